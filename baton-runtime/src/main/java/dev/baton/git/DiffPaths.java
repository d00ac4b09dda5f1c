package dev.baton.git;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the paths a unified diff (plain or git's) names before git sees it. git refuses unsafe paths
 * too, but only with "invalid path"; this says which path is wrong and why, and it also catches a
 * symlink pointing out of the repository, which git would happily commit.
 * <p>
 * Hunks are skipped by their line counts, so a removed line such as {@code -- comment} (which shows
 * as {@code --- comment}) is never mistaken for a file header.
 */
public final class DiffPaths {
    private static final Pattern HUNK = Pattern.compile("^@@ -\\d+(?:,(\\d+))? \\+\\d+(?:,(\\d+))? @@");
    private static final String SYMLINK_MODE = "120000";

    private DiffPaths() {
    }

    /** Problems with the paths {@code diffText} names, one sentence each; empty when they are all fine. */
    public static List<String> problems(String diffText) {
        return scan(diffText).problems();
    }

    /** What a scan found: how many file diffs the text holds and what is wrong with their paths. */
    record Scan(int fileDiffs, List<String> problems) {
    }

    static Scan scan(String text) {
        Set<String> problems = new LinkedHashSet<>();
        if (text.indexOf('\0') >= 0) problems.add("the diff contains NUL bytes");
        String[] lines = text.split("\n", -1);
        int files = 0;
        boolean inGitHeader = false;
        FileDiff current = new FileDiff();
        for (int i = 0; i < lines.length; i++) {
            String line = withoutCr(lines[i]);
            if (line.startsWith("diff --git ")) {
                files++;
                inGitHeader = true;
                current = new FileDiff();
                String[] names = headerNames(line.substring("diff --git ".length()));
                if (names == null) {
                    problems.add("cannot tell the paths apart in: " + printable(line));
                } else {
                    check(names[0], true, problems);
                    check(names[1], true, problems);
                    current.path = stripPrefix(names[1]);
                }
            } else if (line.startsWith("--- ") && i + 1 < lines.length && withoutCr(lines[i + 1]).startsWith("+++ ")) {
                if (!inGitHeader) {
                    files++;
                    current = new FileDiff();
                }
                String next = withoutCr(lines[++i]);
                String oldName = headerLinePath(line, problems);
                String newName = headerLinePath(next, problems);
                if (oldName != null) check(oldName, true, problems);
                if (newName != null) {
                    check(newName, true, problems);
                    if (!newName.equals("/dev/null")) current.path = stripPrefix(newName);
                }
            } else if (inGitHeader && (line.startsWith("rename from ") || line.startsWith("rename to ")
                    || line.startsWith("copy from ") || line.startsWith("copy to "))) {
                String rest = line.substring(line.indexOf(' ', line.indexOf(' ') + 1) + 1);
                String name = rest.startsWith("\"") ? unquoteWhole(rest) : rest;
                if (name == null) problems.add("unparseable path in: " + printable(line));
                else check(name, false, problems);
                if (name != null && (line.startsWith("rename to ") || line.startsWith("copy to "))) current.path = name;
            } else if (inGitHeader && isSymlinkMode(line)) {
                current.symlink = true;
            } else if (line.startsWith("@@ ")) {
                inGitHeader = false;
                i = skipHunk(lines, i, current);
                if (current.symlink) checkSymlink(current, problems);
            }
        }
        return new Scan(files, List.copyOf(problems));
    }

    /** Where one file diff's hunks write, and whether the file is a symlink whose new target they hold. */
    private static final class FileDiff {
        String path;
        boolean symlink;
        final StringBuilder target = new StringBuilder();
    }

    private static boolean isSymlinkMode(String line) {
        return line.equals("new file mode " + SYMLINK_MODE) || line.equals("new mode " + SYMLINK_MODE)
                || (line.startsWith("index ") && line.endsWith(" " + SYMLINK_MODE));
    }

    /** Returns the index of the hunk's last line; a symlink's added lines are its new target. */
    private static int skipHunk(String[] lines, int header, FileDiff file) {
        Matcher m = HUNK.matcher(withoutCr(lines[header]));
        if (!m.find()) return header; // git reports the malformed hunk itself
        int oldLeft = m.group(1) == null ? 1 : Integer.parseInt(m.group(1));
        int newLeft = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
        int i = header + 1;
        for (; i < lines.length && (oldLeft > 0 || newLeft > 0); i++) {
            String l = lines[i];
            char c = l.isEmpty() ? ' ' : l.charAt(0); // git reads an empty line as blank context
            if (c == ' ') {
                oldLeft--;
                newLeft--;
            } else if (c == '-') {
                oldLeft--;
            } else if (c == '+') {
                newLeft--;
                if (file.symlink) file.target.append(withoutCr(l.substring(1)));
            } else if (c != '\\') {
                break;
            }
        }
        while (i < lines.length && lines[i].startsWith("\\")) i++;
        return i - 1;
    }

    private static void checkSymlink(FileDiff file, Set<String> problems) {
        String target = file.target.toString();
        if (file.path == null || target.isEmpty()) return;
        if (target.startsWith("/")) {
            problems.add("symlink " + file.path + " points outside the repository: " + target);
            return;
        }
        int depth = file.path.split("/").length - 1;
        for (String segment : target.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) continue;
            if (segment.equals("..")) depth--;
            else depth++;
            if (depth < 0) {
                problems.add("symlink " + file.path + " points outside the repository: " + target);
                return;
            }
            if (segment.equalsIgnoreCase(".git")) {
                problems.add("symlink " + file.path + " points into .git: " + target);
                return;
            }
        }
    }

    /**
     * Checks one path as the diff spells it; {@code prefixed} paths carry git's {@code a/} or {@code b/}
     * (or any first folder, which {@code git apply -p1} drops), so messages show them without it.
     */
    private static void check(String raw, boolean prefixed, Set<String> problems) {
        if (raw.equals("/dev/null")) return;
        String shown = prefixed ? stripPrefix(raw) : raw;
        if (raw.isEmpty() || shown.isEmpty()) {
            problems.add("empty path");
        } else if (raw.indexOf('\0') >= 0) {
            problems.add("path with a NUL byte: " + printable(shown));
        } else if (raw.startsWith("/") || shown.startsWith("/")) {
            problems.add("absolute path: " + (raw.startsWith("/") ? raw : shown));
        } else {
            for (String segment : raw.split("/")) {
                if (segment.equals("..")) {
                    problems.add("path outside the repository: " + shown);
                    return;
                }
                if (segment.equalsIgnoreCase(".git")) {
                    problems.add("path inside .git: " + shown);
                    return;
                }
            }
        }
    }

    private static String stripPrefix(String name) {
        int slash = name.indexOf('/');
        return slash > 0 ? name.substring(slash + 1) : name;
    }

    /** The path of a {@code ---} or {@code +++} line: quoted, or up to the tab before a timestamp. */
    private static String headerLinePath(String line, Set<String> problems) {
        String rest = line.substring(4);
        if (rest.startsWith("\"")) {
            Unquoted u = unquote(rest, 0);
            if (u == null) problems.add("unparseable path in: " + printable(line));
            return u == null ? null : u.value();
        }
        int tab = rest.indexOf('\t');
        return tab >= 0 ? rest.substring(0, tab) : rest;
    }

    /**
     * The two names of a {@code diff --git} header. Unquoted names may hold spaces, so, as git does, the
     * split is where both names are equal once their prefixes are dropped; a rename with spaces falls
     * back to the only {@code " b/"}. Null when neither works.
     */
    static String[] headerNames(String rest) {
        if (rest.startsWith("\"")) {
            Unquoted a = unquote(rest, 0);
            if (a == null || a.end() >= rest.length() || rest.charAt(a.end()) != ' ') return null;
            String b = rest.substring(a.end() + 1);
            b = b.startsWith("\"") ? unquoteWhole(b) : b;
            return b == null || b.isEmpty() ? null : new String[]{a.value(), b};
        }
        for (int space = rest.indexOf(' '); space >= 0; space = rest.indexOf(' ', space + 1)) {
            String b = rest.substring(space + 1);
            if (b.startsWith("\"")) {
                String unquoted = unquoteWhole(b);
                if (unquoted != null) return new String[]{rest.substring(0, space), unquoted};
            }
        }
        for (int space = rest.indexOf(' '); space >= 0; space = rest.indexOf(' ', space + 1)) {
            String a = rest.substring(0, space);
            String b = rest.substring(space + 1);
            if (a.indexOf('/') > 0 && b.indexOf('/') > 0 && stripPrefix(a).equals(stripPrefix(b))) return new String[]{a, b};
        }
        int split = rest.indexOf(" b/");
        if (split > 0 && rest.indexOf(" b/", split + 1) < 0) return new String[]{rest.substring(0, split), rest.substring(split + 1)};
        return null;
    }

    private record Unquoted(String value, int end) {
    }

    /** The quoted string must be all of {@code s}. */
    private static String unquoteWhole(String s) {
        Unquoted u = unquote(s, 0);
        return u != null && u.end() == s.length() ? u.value() : null;
    }

    /** Decodes git's C-style quoting ({@code "a\tb\303\251"}) starting at {@code start}; null when malformed. */
    private static Unquoted unquote(String s, int start) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = start + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') return new Unquoted(bytes.toString(StandardCharsets.UTF_8), i + 1);
            if (c != '\\') {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            if (++i >= s.length()) return null;
            char e = s.charAt(i);
            switch (e) {
                case 'a' -> bytes.write(7);
                case 'b' -> bytes.write('\b');
                case 't' -> bytes.write('\t');
                case 'n' -> bytes.write('\n');
                case 'v' -> bytes.write(11);
                case 'f' -> bytes.write('\f');
                case 'r' -> bytes.write('\r');
                case '"', '\\' -> bytes.write(e);
                default -> {
                    if (i + 2 >= s.length() || !isOctal(e) || !isOctal(s.charAt(i + 1)) || !isOctal(s.charAt(i + 2))) return null;
                    bytes.write(Integer.parseInt(s.substring(i, i + 3), 8));
                    i += 2;
                }
            }
        }
        return null;
    }

    private static boolean isOctal(char c) {
        return c >= '0' && c <= '7';
    }

    private static String withoutCr(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    private static String printable(String s) {
        return s.replace("\0", "\\0");
    }
}
