package dev.ergometer.service;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The idle calibrations, one per worker machine and energy source, kept in the service's database with their time. */
final class IdlePowerStore {

    private final Database database;

    IdlePowerStore(Database database) throws SQLException {
        this.database = database;
        database.createIfAbsent("CREATE TABLE IF NOT EXISTS ergometer_idle_power ("
                + "host VARCHAR(255) NOT NULL, source VARCHAR(64) NOT NULL, domains VARCHAR(2000) NOT NULL,"
                + " watts VARCHAR(4000) NOT NULL, measured_ms BIGINT NOT NULL, window_ms BIGINT NOT NULL,"
                + " PRIMARY KEY (host, source))");
    }

    /** The last calibration of this host and source, if any. */
    Optional<IdlePower> load(String host, String source) throws SQLException {
        try (Connection c = database.connection();
                PreparedStatement s = c.prepareStatement("SELECT domains, watts, measured_ms, window_ms"
                        + " FROM ergometer_idle_power WHERE host = ? AND source = ?")) {
            s.setString(1, host);
            s.setString(2, source);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                List<String> domains = split(r.getString(1));
                List<Double> watts = split(r.getString(2)).stream().map(Double::valueOf).toList();
                if (domains.size() != watts.size()) {
                    return Optional.empty(); // a damaged row: calibrate again
                }
                return Optional.of(new IdlePower(host, source, domains, watts,
                        Instant.ofEpochMilli(r.getLong(3)), Duration.ofMillis(r.getLong(4))));
            }
        }
    }

    /** Replaces the calibration of its host and source. */
    void save(IdlePower idle) throws SQLException {
        try (Connection c = database.connection()) {
            c.setAutoCommit(false);
            try (PreparedStatement delete = c.prepareStatement(
                        "DELETE FROM ergometer_idle_power WHERE host = ? AND source = ?");
                    PreparedStatement insert = c.prepareStatement("INSERT INTO ergometer_idle_power"
                            + " (host, source, domains, watts, measured_ms, window_ms) VALUES (?, ?, ?, ?, ?, ?)")) {
                delete.setString(1, idle.host());
                delete.setString(2, idle.source());
                delete.executeUpdate();
                insert.setString(1, idle.host());
                insert.setString(2, idle.source());
                insert.setString(3, String.join(",", idle.domains()));
                insert.setString(4, String.join(",", idle.watts().stream().map(w -> Double.toString(w)).toList()));
                insert.setLong(5, idle.measuredAt().toEpochMilli());
                insert.setLong(6, idle.window().toMillis());
                insert.executeUpdate();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static List<String> split(String joined) {
        return joined.isEmpty() ? List.of() : Arrays.asList(joined.split(","));
    }
}
