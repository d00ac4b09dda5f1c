package dev.baton.agent.process;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a profile's argv template into the argv of one process. Placeholders are replaced inside each
 * element in a single pass, so a value that itself contains {@code {model}} or shell syntax stays literal:
 * there is no shell and no second round of substitution.
 */
final class ArgvTemplate {
    static final String QUERY = "query";
    static final String MODEL = "model";
    static final String WORKSPACE = "workspace";
    static final String MCP_CONFIG = "mcpConfig";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(query|model|workspace|mcpConfig)}");

    private ArgvTemplate() {
    }

    /** True when some element of the template uses {@code {name}}. */
    static boolean uses(List<String> template, String name) {
        String placeholder = "{" + name + "}";
        return template.stream().anyMatch(element -> element.contains(placeholder));
    }

    /**
     * @param values placeholder name → value; a placeholder used by the template but missing here is an error
     * @throws IllegalArgumentException naming the missing placeholder
     */
    static List<String> render(List<String> template, Map<String, String> values) {
        List<String> argv = new ArrayList<>(template.size());
        for (String element : template) {
            Matcher m = PLACEHOLDER.matcher(element);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String value = values.get(m.group(1));
                if (value == null) {
                    throw new IllegalArgumentException("the command uses {" + m.group(1) + "} but no value is known for it");
                }
                m.appendReplacement(sb, Matcher.quoteReplacement(value));
            }
            m.appendTail(sb);
            argv.add(sb.toString());
        }
        return argv;
    }
}
