package dev.baton.store;

import dev.baton.shared.BatonException;
import dev.baton.workflow.Task;
import dev.baton.workflow.TaskStatus;
import dev.baton.workflow.Work;
import dev.baton.workflow.WorkStatus;
import dev.baton.workflow.Workflow;
import dev.baton.workflow.WorkflowRepository.WorkflowQuery;
import dev.baton.workflow.WorkflowStatus;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Loads whole aggregates with ONE statement: the page of workflow rows joined to their works and tasks.
 * One statement means one round trip, no N+1, and one consistent snapshot on both databases (no read
 * transaction needed). Rows arrive ordered by workflow, work sequence and task order and are folded here.
 */
final class AggregateReader {
    private static final String COLUMNS = """
            wf.id AS wf_id, wf.name AS wf_name, wf.status AS wf_status, wf.correlation_id AS wf_correlation_id,
            wf.repositories AS wf_repositories, wf.spec_path AS wf_spec_path, wf.version AS wf_version,
            wf.created_at AS wf_created_at, wf.updated_at AS wf_updated_at, wf.started_at AS wf_started_at,
            wf.finished_at AS wf_finished_at, wf.error AS wf_error,
            wk.id AS wk_id, wk.sequence AS wk_sequence, wk.name AS wk_name, wk.agent AS wk_agent, wk.model AS wk_model,
            wk.mcp_servers AS wk_mcp_servers, wk.status AS wk_status, wk.version AS wk_version,
            wk.started_at AS wk_started_at, wk.finished_at AS wk_finished_at, wk.error AS wk_error,
            tk.id AS tk_id, tk.work_id AS tk_work_id, tk.ord AS tk_ord, tk.query AS tk_query, tk.assigned_to AS tk_assigned_to,
            tk.status AS tk_status, tk.attempts AS tk_attempts, tk.started_at AS tk_started_at,
            tk.finished_at AS tk_finished_at, tk.exit_code AS tk_exit_code, tk.error AS tk_error, tk.version AS tk_version""";
    private static final String NEWEST_FIRST = "created_at DESC, id DESC";
    private static final String FIND_SQL = aggregateSql("SELECT * FROM workflows WHERE id = ?");

    private final StoreJdbc jdbc;
    private final Dialect dialect;

    AggregateReader(StoreJdbc jdbc) {
        this.jdbc = jdbc;
        this.dialect = jdbc.dialect;
    }

    private static String aggregateSql(String page) {
        return "SELECT " + COLUMNS + "\nFROM (" + page + ") wf"
                + "\nLEFT JOIN works wk ON wk.workflow_id = wf.id"
                + "\nLEFT JOIN tasks tk ON tk.workflow_id = wk.workflow_id AND tk.work_id = wk.id"
                + "\nORDER BY wf.created_at DESC, wf.id DESC, wk.sequence, wk.id, tk.ord, tk.id";
    }

    Optional<Workflow> find(String workflowId) {
        List<Workflow> found = load(FIND_SQL, List.of(workflowId));
        return found.stream().findFirst();
    }

    List<Workflow> list(WorkflowQuery query) {
        if (query.limit() < 1 || query.limit() > 1000 || query.offset() < 0) {
            throw new BatonException.Invalid("workflow.query.invalid",
                    "limit must be 1..1000 and offset 0 or more, got limit " + query.limit() + " and offset " + query.offset());
        }
        List<String> where = new ArrayList<>();
        List<Object> args = new ArrayList<>();
        if (query.statuses() != null && !query.statuses().isEmpty()) {
            where.add("status IN (" + String.join(", ", query.statuses().stream().map(s -> "?").toList()) + ")");
            query.statuses().stream().map(WorkflowStatus::name).sorted().forEach(args::add);
        }
        if (query.nameContains() != null && !query.nameContains().isEmpty()) {
            where.add("LOWER(name) LIKE ? ESCAPE '\\'");
            args.add("%" + escapeLike(query.nameContains().toLowerCase(Locale.ROOT)) + "%");
        }
        args.add(query.limit());
        args.add(query.offset());
        String page = "SELECT * FROM workflows" + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                + " ORDER BY " + NEWEST_FIRST + " LIMIT ? OFFSET ?";
        return load(aggregateSql(page), args);
    }

    private List<Workflow> load(String sql, List<Object> args) {
        Map<String, WorkflowRows> byId = new LinkedHashMap<>();
        try {
            jdbc.reader.query(sql, ps -> {
                for (int i = 0; i < args.size(); i++) {
                    Object a = args.get(i);
                    if (a instanceof Integer n) ps.setInt(i + 1, n);
                    else ps.setString(i + 1, (String) a);
                }
            }, (ResultSet rs) -> {
                WorkflowRows wf = byId.get(rs.getString("wf_id"));
                if (wf == null) {
                    wf = new WorkflowRows(workflow(rs));
                    byId.put(wf.workflow.id(), wf);
                }
                String workId = rs.getString("wk_id");
                if (workId == null) return;
                WorkRows work = wf.works.get(workId);
                if (work == null) {
                    work = new WorkRows(work(rs, wf.workflow.id()));
                    wf.works.put(workId, work);
                }
                if (rs.getString("tk_id") != null) work.tasks.add(task(rs, wf.workflow.id()));
            });
        } catch (RuntimeException e) {
            throw jdbc.translate(e);
        }
        return byId.values().stream().map(WorkflowRows::build).toList();
    }

    private Workflow workflow(ResultSet rs) throws SQLException {
        return new Workflow(rs.getString("wf_id"), rs.getString("wf_name"), WorkflowStatus.valueOf(rs.getString("wf_status")),
                rs.getString("wf_correlation_id"), StoreJson.repositories(rs.getString("wf_repositories")), List.of(),
                rs.getString("wf_spec_path"), rs.getLong("wf_version"), dialect.getInstant(rs, "wf_created_at"),
                dialect.getInstant(rs, "wf_updated_at"), dialect.getInstant(rs, "wf_started_at"),
                dialect.getInstant(rs, "wf_finished_at"), rs.getString("wf_error"));
    }

    private Work work(ResultSet rs, String workflowId) throws SQLException {
        return new Work(rs.getString("wk_id"), workflowId, rs.getInt("wk_sequence"), rs.getString("wk_name"),
                rs.getString("wk_agent"), rs.getString("wk_model"), StoreJson.mcpRefs(rs.getString("wk_mcp_servers")),
                WorkStatus.valueOf(rs.getString("wk_status")), List.of(), rs.getLong("wk_version"),
                dialect.getInstant(rs, "wk_started_at"), dialect.getInstant(rs, "wk_finished_at"), rs.getString("wk_error"));
    }

    private Task task(ResultSet rs, String workflowId) throws SQLException {
        int exit = rs.getInt("tk_exit_code");
        Integer exitCode = rs.wasNull() ? null : exit;
        return new Task(rs.getString("tk_id"), workflowId, rs.getString("tk_work_id"), rs.getInt("tk_ord"),
                rs.getString("tk_query"), rs.getString("tk_assigned_to"), TaskStatus.valueOf(rs.getString("tk_status")),
                rs.getInt("tk_attempts"), dialect.getInstant(rs, "tk_started_at"), dialect.getInstant(rs, "tk_finished_at"),
                exitCode, rs.getString("tk_error"), rs.getLong("tk_version"));
    }

    static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    /** A workflow row and its works, gathered while the joined rows stream by. */
    private record WorkflowRows(Workflow workflow, Map<String, WorkRows> works) {
        WorkflowRows(Workflow workflow) {
            this(workflow, new LinkedHashMap<>());
        }

        Workflow build() {
            return workflow.withWorks(works.values().stream().map(w -> w.work.withTasks(w.tasks)).toList());
        }
    }

    private record WorkRows(Work work, List<Task> tasks) {
        WorkRows(Work work) {
            this(work, new ArrayList<>());
        }
    }
}
