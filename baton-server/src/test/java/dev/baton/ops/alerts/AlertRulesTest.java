package dev.baton.ops.alerts;

import dev.baton.ops.ExternalTool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The files under deploy/ checked by the real tools: promtool (rules, rule unit tests, the dashboard's
 * PromQL) and amtool (Alertmanager config and routing). Missing tools fail the test: run .ci/run or
 * {@code apt-get install prometheus prometheus-alertmanager}.
 */
class AlertRulesTest {

    @TempDir
    Path tmp;

    @Test
    void promtoolAcceptsTheAlertRules() {
        String out = run("promtool", "check", "rules", DeployFiles.ALERTS.toString());
        assertThat(out).contains("SUCCESS: " + DeployFiles.alertExpressions().size() + " rules found");
    }

    @Test
    void promtoolUnitTestsOfTheAlertRulesPass() {
        run("promtool", "test", "rules", DeployFiles.ALERTS_TEST.toString());
    }

    @Test
    void everySeedAlertHasARule() {
        assertThat(DeployFiles.alertExpressions().keySet()).containsExactlyInAnyOrder(
                "DatabaseDown", "WorkflowFailureSpike", "AgentProcessCrash", "DiskSpaceCritical", "EventBusDown", "GitClientFailure",
                "HighEventLatency", "WorkTreeDiskHigh", "AgentSlowResponse", "McpConnectionFlaky", "HighQueueDepth",
                "DBConnectionPoolHigh", "DiskSpaceWarning", "WorkflowSuccessRateLow",
                "WorkflowCompleted", "CheckpointStale", "ReportStorageGrowing", "HighConcurrentWorkflows");
    }

    @Test
    void amtoolAcceptsTheAlertmanagerConfig() {
        run("amtool", "check-config", DeployFiles.ALERTMANAGER.toString());
    }

    @Test
    void alertsAreRoutedBySeverity() {
        for (String[] c : new String[][]{
                {"critical", "severity=critical", "alertname=DiskSpaceCritical"},
                {"warning", "severity=warning", "alertname=DiskSpaceWarning"},
                {"slack-info", "severity=info", "alertname=WorkflowCompleted"},
                {"slack-warning", "alertname=Unlabelled"}}) {
            List<String> argv = new ArrayList<>(List.of("amtool", "config", "routes", "test",
                    "--config.file=" + DeployFiles.ALERTMANAGER, "--verify.receivers=" + c[0]));
            argv.addAll(Arrays.asList(c).subList(1, c.length));
            run(argv.toArray(String[]::new));
        }
    }

    /** Every dashboard expression, with Grafana's variables filled in, is valid PromQL to promtool (as recording rules). */
    @Test
    void dashboardExpressionsAreValidPromQL() throws IOException {
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        int i = 0;
        for (Map.Entry<String, String> e : DeployFiles.dashboardExpressions().entrySet()) {
            String expr = DeployFiles.withoutGrafanaVariables(e.getValue());
            rules.append("      - record: dashboard:expr_").append(i++).append("\n")
                    .append("        expr: '").append(expr.replace("'", "''")).append("'\n");
        }
        Path file = Files.writeString(tmp.resolve("dashboard-rules.yml"), rules);
        assertThat(run("promtool", "check", "rules", file.toString())).contains("SUCCESS: " + i + " rules found");
    }

    /** Runs a tool (argv, no shell) in the project folder and returns its output; fails with the output when it exits non-zero. */
    static String run(String... argv) {
        return ExternalTool.run(DeployFiles.ROOT, "prometheus prometheus-alertmanager", argv);
    }
}
