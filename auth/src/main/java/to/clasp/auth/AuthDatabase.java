package to.clasp.auth;

import to.clasp.security.Secrets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The auth database ({@code --auth-db}), SQLite through sqlite-jdbc. Its {@code users} table has the reference
 * router's schema, so a reference {@code relay-auth.db} works as it is. The {@code tokens} table is this router's
 * addition: issued CPSK tokens survive a restart (the reference keeps them in memory only). A token is stored as
 * the hex SHA-256 of its text, never the text, so a copy of the database cannot be used to connect.
 * <p>
 * One connection, calls serialised (SQLite has one writer anyway); every statement runs on the auth API's worker
 * threads, never on an event loop or the core.
 */
public final class AuthDatabase implements AutoCloseable
{
    private final Connection connection;

    private AuthDatabase(final Connection connection)
    {
        this.connection = connection;
    }

    /**
     * Open (creating if needed) the database file and its tables.
     *
     * @throws SQLException when the file cannot be opened as an SQLite database.
     */
    public static AuthDatabase open(final Path file) throws SQLException
    {
        try
        {
            final Path parent = file.toAbsolutePath().getParent();
            if (parent != null)
            {
                Files.createDirectories(parent);
            }
        }
        catch (final java.io.IOException ex)
        {
            throw new SQLException("cannot create the directory of " + file + ": " + ex.getMessage(), ex);
        }
        final Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement s = connection.createStatement())
        {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA busy_timeout=5000");
            s.execute("CREATE TABLE IF NOT EXISTS users (" +
                "id TEXT PRIMARY KEY, username TEXT UNIQUE NOT NULL, password_hash TEXT NOT NULL, " +
                "created_at INTEGER NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS tokens (" +
                "token_sha256 TEXT PRIMARY KEY, user_id TEXT NOT NULL, scopes TEXT NOT NULL, " +
                "expires_at_ms INTEGER NOT NULL, created_at_ms INTEGER NOT NULL)");
        }
        catch (final SQLException ex)
        {
            connection.close();
            throw ex;
        }
        return new AuthDatabase(connection);
    }

    /** A user row: id and password hash. */
    public static final class User
    {
        public final String id;
        public final String passwordHash;

        User(final String id, final String passwordHash)
        {
            this.id = id;
            this.passwordHash = passwordHash;
        }
    }

    /** An issued token row. */
    public static final class TokenRow
    {
        public final Secrets.TokenDigest digest;
        public final String userId;
        public final String scopes;
        public final long expiresAtMs;

        TokenRow(final Secrets.TokenDigest digest, final String userId, final String scopes, final long expiresAtMs)
        {
            this.digest = digest;
            this.userId = userId;
            this.scopes = scopes;
            this.expiresAtMs = expiresAtMs;
        }
    }

    /**
     * Insert a user.
     *
     * @return false when the id or the username is taken.
     */
    public synchronized boolean createUser(
        final String id, final String username, final String passwordHash, final long createdAtSeconds)
        throws SQLException
    {
        try (PreparedStatement s = connection.prepareStatement(
            "INSERT INTO users (id, username, password_hash, created_at) VALUES (?, ?, ?, ?)"))
        {
            s.setString(1, id);
            s.setString(2, username);
            s.setString(3, passwordHash);
            s.setLong(4, createdAtSeconds);
            s.executeUpdate();
            return true;
        }
        catch (final SQLException ex)
        {
            if (ex.getMessage() != null && ex.getMessage().contains("UNIQUE"))
            {
                return false;
            }
            throw ex;
        }
    }

    /** The user with exactly this username, or null. */
    public synchronized User findUser(final String username) throws SQLException
    {
        try (PreparedStatement s = connection.prepareStatement("SELECT id, password_hash FROM users WHERE username = ?"))
        {
            s.setString(1, username);
            try (ResultSet r = s.executeQuery())
            {
                return r.next() ? new User(r.getString(1), r.getString(2)) : null;
            }
        }
    }

    /** Is there a registered user with this id? */
    public synchronized boolean userIdExists(final String id) throws SQLException
    {
        return exists("SELECT 1 FROM users WHERE id = ?", id);
    }

    /** Is there a registered user with this username, ignoring case? */
    public synchronized boolean usernameTaken(final String username) throws SQLException
    {
        return exists("SELECT 1 FROM users WHERE LOWER(username) = LOWER(?)", username);
    }

    private boolean exists(final String sql, final String value) throws SQLException
    {
        try (PreparedStatement s = connection.prepareStatement(sql))
        {
            s.setString(1, value);
            try (ResultSet r = s.executeQuery())
            {
                return r.next();
            }
        }
    }

    /** Store an issued token (by digest). */
    public synchronized void insertToken(
        final Secrets.TokenDigest digest, final String userId, final String scopes, final long expiresAtMs,
        final long createdAtMs) throws SQLException
    {
        try (PreparedStatement s = connection.prepareStatement(
            "INSERT OR REPLACE INTO tokens (token_sha256, user_id, scopes, expires_at_ms, created_at_ms) " +
            "VALUES (?, ?, ?, ?, ?)"))
        {
            s.setString(1, digest.hex());
            s.setString(2, userId);
            s.setString(3, scopes);
            s.setLong(4, expiresAtMs);
            s.setLong(5, createdAtMs);
            s.executeUpdate();
        }
    }

    /** Delete one issued token (revocation). */
    public synchronized void deleteToken(final Secrets.TokenDigest digest) throws SQLException
    {
        try (PreparedStatement s = connection.prepareStatement("DELETE FROM tokens WHERE token_sha256 = ?"))
        {
            s.setString(1, digest.hex());
            s.executeUpdate();
        }
    }

    /** Tokens not expired at {@code nowMs}. */
    public synchronized List<TokenRow> liveTokens(final long nowMs) throws SQLException
    {
        final List<TokenRow> rows = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement(
            "SELECT token_sha256, user_id, scopes, expires_at_ms FROM tokens WHERE expires_at_ms > ?"))
        {
            s.setLong(1, nowMs);
            try (ResultSet r = s.executeQuery())
            {
                while (r.next())
                {
                    rows.add(new TokenRow(Secrets.TokenDigest.ofHex(r.getString(1)), r.getString(2), r.getString(3),
                        r.getLong(4)));
                }
            }
        }
        return rows;
    }

    /** Delete tokens expired at {@code nowMs}; returns how many. */
    public synchronized int deleteExpiredTokens(final long nowMs) throws SQLException
    {
        try (PreparedStatement s = connection.prepareStatement("DELETE FROM tokens WHERE expires_at_ms <= ?"))
        {
            s.setLong(1, nowMs);
            return s.executeUpdate();
        }
    }

    public synchronized void close() throws SQLException
    {
        connection.close();
    }
}
