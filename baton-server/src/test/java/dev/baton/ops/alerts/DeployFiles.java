package dev.baton.ops.alerts;

import dev.baton.api.rest.BatonServer;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The monitoring files under deploy/ and what the tests read out of them: PromQL expressions and metric names. */
final class DeployFiles {
    static final Path ROOT = BatonServer.PROJECT_ROOT;
    static final Path ALERTS = ROOT.resolve("deploy/prometheus/alerts.yml");
    static final Path ALERTS_TEST = ROOT.resolve("deploy/prometheus/alerts_test.yml");
    static final Path ALERTMANAGER = ROOT.resolve("deploy/alertmanager/alertmanager.yml");
    static final Path DASHBOARD = ROOT.resolve("deploy/grafana/baton-dashboard.json");

    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "and", "or", "unless", "bool", "offset", "inf", "nan");
    private static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    // Possessive, so a function name is never cut short to dodge the "not followed by (" check.
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.$])[a-zA-Z_:][a-zA-Z0-9_:]*+(?!\\s*\\()");

    private DeployFiles() {
    }

    /** The metrics alerts.yml lists between {@code # not-yet-exposed:} and {@code # end-not-yet-exposed}. */
    static Set<String> notYetExposed() {
        Set<String> out = new TreeSet<>();
        boolean in = false;
        for (String line : lines(ALERTS)) {
            if (line.startsWith("# not-yet-exposed:")) in = true;
            else if (line.startsWith("# end-not-yet-exposed")) in = false;
            else if (in) {
                Matcher m = Pattern.compile("^#\\s+-\\s+(\\S+)").matcher(line);
                if (m.find()) out.add(m.group(1));
            }
        }
        return out;
    }

    /** alertname -> expr of every rule in alerts.yml. */
    @SuppressWarnings("unchecked")
    static Map<String, String> alertExpressions() {
        Map<String, Object> doc = new Yaml().load(read(ALERTS));
        Map<String, String> out = new LinkedHashMap<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) doc.get("groups"))
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules"))
                out.put((String) rule.get("alert"), (String) rule.get("expr"));
        return out;
    }

    static JsonNode dashboard() {
        return JsonMapper.builder().build().readTree(read(DASHBOARD));
    }

    /** "panel title #refId" -> expr of every target of the dashboard. */
    static Map<String, String> dashboardExpressions() {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode panel : dashboard().get("panels"))
            for (JsonNode target : panel.get("targets"))
                out.put(panel.get("title").asString() + " #" + target.get("refId").asString(), target.get("expr").asString());
        return out;
    }

    /** A dashboard expression with Grafana's variables replaced, as Prometheus would receive it. */
    static String withoutGrafanaVariables(String expr) {
        return expr.replace("$__rate_interval", "5m").replace("$instance", ".*");
    }

    /** The metric names an expression selects (label matchers, ranges, grouping clauses and functions left out). */
    static Set<String> metricNames(String expr) {
        String s = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ");
        s = GROUPING.matcher(s).replaceAll(" ");
        Set<String> out = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) if (!KEYWORDS.contains(m.group().toLowerCase())) out.add(m.group());
        return out;
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> lines(Path p) {
        return new ArrayList<>(read(p).lines().toList());
    }
}
