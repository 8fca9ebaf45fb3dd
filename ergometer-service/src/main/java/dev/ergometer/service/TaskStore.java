package dev.ergometer.service;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The tasks in the service's database: every state change is one guarded UPDATE, so that a task finished once is
 * never started or finished again, whichever worker asks.
 */
final class TaskStore {

    private static final String COLUMNS = "task_id, request_id, status, stage, progress, created_ms, started_ms,"
            + " finished_ms, worker, runs, cancel_requested, estimated_seconds, request_json, result_json";
    private static final String UNFINISHED = "status IN ('queued', 'running')";

    private final Database database;

    TaskStore(Database database) throws SQLException {
        this.database = database;
        String text = database.dialect().textType();
        database.createIfAbsent("CREATE TABLE IF NOT EXISTS ergometer_tasks ("
                + "task_id VARCHAR(36) PRIMARY KEY, request_id VARCHAR(36) NOT NULL, status VARCHAR(16) NOT NULL,"
                + " stage VARCHAR(64), progress DOUBLE PRECISION NOT NULL, created_ms BIGINT NOT NULL,"
                + " started_ms BIGINT, finished_ms BIGINT, worker VARCHAR(255), runs INT NOT NULL,"
                + " cancel_requested BOOLEAN NOT NULL, estimated_seconds INT NOT NULL, request_json " + text
                + " NOT NULL, result_json " + text + ")");
    }

    void insert(TaskRecord task) throws SQLException {
        try (Connection c = database.connection();
                PreparedStatement s = c.prepareStatement("INSERT INTO ergometer_tasks (" + COLUMNS
                        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, task.taskId().toString());
            s.setString(2, task.requestId().toString());
            s.setString(3, task.status());
            s.setString(4, task.stage());
            s.setDouble(5, task.progress());
            s.setLong(6, task.createdMillis());
            setLong(s, 7, task.startedMillis());
            setLong(s, 8, task.finishedMillis());
            s.setString(9, task.worker().orElse(null));
            s.setInt(10, task.runs());
            s.setBoolean(11, task.cancelRequested());
            s.setInt(12, task.estimatedSeconds());
            s.setString(13, task.requestJson());
            s.setString(14, task.resultJson().orElse(null));
            s.executeUpdate();
        }
    }

    Optional<TaskRecord> find(UUID taskId) throws SQLException {
        try (Connection c = database.connection();
                PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS
                        + " FROM ergometer_tasks WHERE task_id = ?")) {
            s.setString(1, taskId.toString());
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(read(r)) : Optional.empty();
            }
        }
    }

    /**
     * Marks the start of a run by {@code worker}, counting it; false when the task has finished (or is gone), in
     * which case it must not run.
     */
    boolean start(UUID taskId, String worker, long nowMillis) throws SQLException {
        return update("UPDATE ergometer_tasks SET status = 'running', runs = runs + 1, worker = ?, started_ms = ?,"
                + " stage = 'initializing', progress = 0 WHERE task_id = ? AND " + UNFINISHED,
                worker, nowMillis, taskId.toString()) == 1;
    }

    /** Records the stage and progress of a running task. */
    void progress(UUID taskId, String stage, double progress) throws SQLException {
        update("UPDATE ergometer_tasks SET stage = ?, progress = ? WHERE task_id = ? AND status = 'running'",
                stage, progress, taskId.toString());
    }

    /**
     * Finishes a task with its response body; false when it had already finished (the first finish wins).
     *
     * @param status {@code completed} or {@code failed}
     */
    boolean finish(UUID taskId, String status, String resultJson, long nowMillis) throws SQLException {
        if (!TaskRecord.COMPLETED.equals(status) && !TaskRecord.FAILED.equals(status)) {
            throw new IllegalArgumentException("a task finishes completed or failed, not " + status);
        }
        return update("UPDATE ergometer_tasks SET status = ?, result_json = ?, finished_ms = ?, stage = NULL,"
                + " progress = 1 WHERE task_id = ? AND " + UNFINISHED,
                status, resultJson, nowMillis, taskId.toString()) == 1;
    }

    /** Asks a queued or running task to stop; false when it has finished or does not exist. */
    boolean requestCancel(UUID taskId) throws SQLException {
        return update("UPDATE ergometer_tasks SET cancel_requested = TRUE WHERE task_id = ? AND " + UNFINISHED,
                taskId.toString()) == 1;
    }

    boolean cancelRequested(UUID taskId) throws SQLException {
        return find(taskId).map(TaskRecord::cancelRequested).orElse(true);
    }

    /** Removes a task; false when there was none. */
    boolean delete(UUID taskId) throws SQLException {
        return update("DELETE FROM ergometer_tasks WHERE task_id = ?", taskId.toString()) == 1;
    }

    /** The unfinished tasks submitted before {@code beforeMillis}, oldest first. */
    List<UUID> unfinishedBefore(long beforeMillis) throws SQLException {
        List<UUID> ids = new ArrayList<>();
        try (Connection c = database.connection();
                PreparedStatement s = c.prepareStatement("SELECT task_id FROM ergometer_tasks WHERE " + UNFINISHED
                        + " AND created_ms < ? ORDER BY created_ms")) {
            s.setLong(1, beforeMillis);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    ids.add(UUID.fromString(r.getString(1)));
                }
            }
        }
        return ids;
    }

    /** How many tasks are in each state. */
    java.util.Map<String, Integer> countsByStatus() throws SQLException {
        java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
        try (Connection c = database.connection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT status, COUNT(*) FROM ergometer_tasks GROUP BY status");
                ResultSet r = s.executeQuery()) {
            while (r.next()) {
                counts.put(r.getString(1), r.getInt(2));
            }
        }
        return counts;
    }

    private int update(String sql, Object... values) throws SQLException {
        try (Connection c = database.connection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                s.setObject(i + 1, values[i]);
            }
            return s.executeUpdate();
        }
    }

    private static TaskRecord read(ResultSet r) throws SQLException {
        return new TaskRecord(UUID.fromString(r.getString(1)), UUID.fromString(r.getString(2)), r.getString(3),
                r.getString(4), r.getDouble(5), r.getLong(6), optionalLong(r, 7), optionalLong(r, 8),
                Optional.ofNullable(r.getString(9)), r.getInt(10), r.getBoolean(11), r.getInt(12), r.getString(13),
                Optional.ofNullable(r.getString(14)));
    }

    private static Optional<Long> optionalLong(ResultSet r, int column) throws SQLException {
        long value = r.getLong(column);
        return r.wasNull() ? Optional.empty() : Optional.of(value);
    }

    private static void setLong(PreparedStatement s, int index, Optional<Long> value) throws SQLException {
        if (value.isPresent()) {
            s.setLong(index, value.get());
        } else {
            s.setNull(index, Types.BIGINT);
        }
    }
}
