package dev.baton.agent.process;

/**
 * Makes agent output safe to store and show: a program printing binary data must not put NULs or terminal
 * control sequences into the log store or a reader's terminal. Only the log path uses it; the answer a
 * session returns keeps the agent's text as it was.
 */
final class PrintableText {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private PrintableText() {
    }

    /** C0 control characters except tab written as {@code \u001b}; the same string when there are none. */
    static String escapeControls(String text) {
        int first = firstControl(text);
        if (first < 0) return text;
        StringBuilder out = new StringBuilder(text.length() + 16);
        out.append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isControl(c)) {
                out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static int firstControl(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (isControl(text.charAt(i))) return i;
        }
        return -1;
    }

    private static boolean isControl(char c) {
        return c < 0x20 && c != '\t';
    }
}
