package dev.ergometer.service;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The service's database: an embedded H2 file (one machine; jobs and results survive a restart) or a PostgreSQL
 * server (several worker machines sharing the work). JobRunr keeps its jobs there and the service its tasks and idle
 * calibrations, so that every machine sees the same state.
 */
public final class Database implements AutoCloseable {

    /** The SQL spoken. */
    public enum Dialect {
        H2("CLOB"), POSTGRESQL("TEXT");

        private final String textType;

        Dialect(String textType) {
            this.textType = textType;
        }

        /** The column type of unbounded text. */
        String textType() {
            return textType;
        }
    }

    private final DataSource dataSource;
    private final Dialect dialect;
    private final String description;
    private final Connection keeper;

    private Database(DataSource dataSource, Dialect dialect, String description, Connection keeper) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.description = description;
        this.keeper = keeper;
    }

    /**
     * Opens the database at a JDBC URL ({@code jdbc:h2:file:...} or {@code jdbc:postgresql://host:port/db}) and checks
     * that it answers.
     *
     * @throws SQLException when it cannot be reached; the message says where and why
     */
    public static Database open(String url, String user, String password) throws SQLException {
        if (url.startsWith("jdbc:h2:")) {
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL(url);
            h2.setUser(user == null ? "" : user);
            h2.setPassword(password == null ? "" : password);
            // An embedded H2 database closes with its last connection: one kept open spares a reopening per query.
            Connection keeper = connect(h2, url);
            return new Database(h2, Dialect.H2, redact(url), keeper);
        }
        if (url.startsWith("jdbc:postgresql:")) {
            PGSimpleDataSource postgres = new PGSimpleDataSource();
            postgres.setURL(url);
            if (user != null) {
                postgres.setUser(user);
            }
            if (password != null) {
                postgres.setPassword(password);
            }
            connect(postgres, url).close();
            return new Database(postgres, Dialect.POSTGRESQL, redact(url), null);
        }
        throw new IllegalArgumentException("DATABASE_URL must be jdbc:h2:file:PATH (one machine) or"
                + " jdbc:postgresql://HOST:PORT/DATABASE (several), got " + redact(url));
    }

    private static Connection connect(DataSource dataSource, String url) throws SQLException {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw new SQLException("cannot open the database " + redact(url) + ": " + e.getMessage()
                    + "; check DATABASE_URL, DATABASE_USER and DATABASE_PASSWORD, and that the server runs", e);
        }
    }

    /** The URL without any password it may carry, for messages. */
    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public Dialect dialect() {
        return dialect;
    }

    /** The database's URL, without password, for logs and /health. */
    public String description() {
        return description;
    }

    /** A new connection; the caller closes it. */
    public Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    /** Runs DDL that may race with another worker doing the same: "already exists" is success. */
    void createIfAbsent(String sql) throws SQLException {
        try (Connection c = connection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            String state = e.getSQLState();
            // 42P07 duplicate_table (PostgreSQL), 23505 unique violation on its catalog when two create at once.
            if (!"42P07".equals(state) && !"23505".equals(state) && !"42S01".equals(state)) {
                throw e;
            }
        }
    }

    @Override
    public void close() {
        if (keeper != null) {
            try {
                keeper.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
    }
}
