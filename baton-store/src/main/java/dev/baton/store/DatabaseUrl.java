package dev.baton.store;

import dev.baton.shared.BatonException;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the store lives, parsed from {@code DATABASE_URL}. Accepted forms:
 * <ul>
 *   <li>unset or blank: SQLite file {@code <dataDir>/baton.db}</li>
 *   <li>{@code file:<path>} or {@code sqlite:<path>} (also {@code file:///abs}, {@code ~/…}): SQLite; a relative
 *       path resolves against the working directory</li>
 *   <li>{@code postgresql://user:password@host:5432/db?params} or {@code postgres://…}: PostgreSQL; user and
 *       password are percent-decoded and kept out of the JDBC URL</li>
 *   <li>{@code jdbc:sqlite:…} or {@code jdbc:postgresql:…}: used as is</li>
 * </ul>
 * {@link #toString()} never shows the password.
 */
public final class DatabaseUrl {
    public static final String ENV = "DATABASE_URL";
    static final String ACCEPTED_FORMS = "unset (SQLite file <dataDir>/baton.db), file:<path>, sqlite:<path>, "
            + "postgresql://user:password@host:5432/db, postgres://user:password@host:5432/db, jdbc:sqlite:<path>, jdbc:postgresql://host:5432/db";
    private static final int DEFAULT_PG_PORT = 5432;
    private static final Pattern SECRET_PARAM = Pattern.compile("(?i)\\b(password|sslpassword)=[^&;]*");
    private static final Pattern SECRET_USERINFO = Pattern.compile("://([^:/@]*):[^/]*@");

    private final Dialect dialect;
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final Path sqliteFile;

    private DatabaseUrl(Dialect dialect, String jdbcUrl, String user, String password, Path sqliteFile) {
        this.dialect = dialect;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.sqliteFile = sqliteFile;
    }

    /** Reads {@value #ENV} from the given environment (usually {@code System.getenv()}). */
    public static DatabaseUrl fromEnvironment(Map<String, String> env, Path dataDir) {
        return parse(env.get(ENV), dataDir);
    }

    /** A SQLite database in the given file. */
    public static DatabaseUrl sqlite(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        return new DatabaseUrl(Dialect.SQLITE, "jdbc:sqlite:" + absolute, null, null, absolute);
    }

    /**
     * @param value   the {@code DATABASE_URL} value, may be null
     * @param dataDir Baton's data folder, home of the default SQLite file
     * @throws BatonException.Invalid when the form is not one of the accepted ones
     */
    public static DatabaseUrl parse(String value, Path dataDir) {
        if (value == null || value.isBlank()) return sqlite(dataDir.resolve("baton.db"));
        String v = value.strip();
        if (v.startsWith("jdbc:sqlite:")) return new DatabaseUrl(Dialect.SQLITE, v, null, null, sqliteFileOf(v).orElse(null));
        if (v.startsWith("jdbc:postgresql:")) return new DatabaseUrl(Dialect.POSTGRESQL, v, null, null, null);
        if (v.startsWith("file:")) return sqlite(localPath(v.substring("file:".length()), value));
        if (v.startsWith("sqlite:")) return sqlite(localPath(v.substring("sqlite:".length()), value));
        if (v.startsWith("postgresql://")) return postgres(v.substring("postgresql://".length()), value);
        if (v.startsWith("postgres://")) return postgres(v.substring("postgres://".length()), value);
        throw invalid(value, "unsupported scheme");
    }

    public Dialect dialect() {
        return dialect;
    }

    /** The JDBC URL without user and password (unless a {@code jdbc:} URL carried them itself). */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    /** Kept package-private so that only the pool factory ever reads it. */
    String password() {
        return password;
    }

    /** The SQLite database file, when this is a file-backed SQLite URL. */
    public Optional<Path> sqliteFile() {
        return Optional.ofNullable(sqliteFile);
    }

    /** A form safe for logs and error messages: passwords replaced by {@code ****}. */
    public String masked() {
        String url = maskSecrets(jdbcUrl);
        if (user == null && password == null) return url;
        return url + " (user " + (user == null ? "-" : user) + (password == null ? "" : ", password ****") + ")";
    }

    @Override
    public String toString() {
        return masked();
    }

    static String maskSecrets(String text) {
        String s = SECRET_PARAM.matcher(text).replaceAll("$1=****");
        return SECRET_USERINFO.matcher(s).replaceAll("://$1:****@");
    }

    private static Path localPath(String rest, String original) {
        String p = rest.startsWith("//") ? rest.substring(2) : rest; // file:///abs/x.db is URI form of /abs/x.db
        if (p.isBlank()) throw invalid(original, "the file path is empty");
        if (p.equals("~") || p.startsWith("~/")) p = System.getProperty("user.home") + p.substring(1);
        return Path.of(p);
    }

    private static Optional<Path> sqliteFileOf(String jdbcUrl) {
        String p = jdbcUrl.substring("jdbc:sqlite:".length());
        int q = p.indexOf('?');
        if (q >= 0) p = p.substring(0, q);
        if (p.startsWith("file:")) p = p.substring("file:".length());
        if (p.isBlank() || p.startsWith(":memory:") || p.startsWith(":resource:") || jdbcUrl.contains("mode=memory")) return Optional.empty();
        return Optional.of(Path.of(p).toAbsolutePath().normalize());
    }

    /** {@code [user[:password]@]host[:port][,host[:port]…][/db][?params]}, the libpq URI form. */
    private static DatabaseUrl postgres(String rest, String original) {
        int authorityEnd = indexOfAny(rest, "/?");
        String authority = authorityEnd < 0 ? rest : rest.substring(0, authorityEnd);
        String tail = authorityEnd < 0 ? "" : rest.substring(authorityEnd);
        String user = null;
        String password = null;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
            if (user.isEmpty()) user = null;
        }
        String database = "";
        String query = "";
        int q = tail.indexOf('?');
        if (q >= 0) {
            query = tail.substring(q + 1);
            tail = tail.substring(0, q);
        }
        if (tail.startsWith("/")) database = tail.substring(1);
        if (database.contains("/")) throw invalid(original, "the database name may not contain '/'");
        List<String> kept = new ArrayList<>();
        for (String param : query.split("&")) {
            if (param.isEmpty()) continue;
            // user and password may also come as parameters; keep them out of the JDBC URL either way.
            if (param.startsWith("user=")) user = user != null ? user : decode(param.substring(5));
            else if (param.startsWith("password=")) password = password != null ? password : decode(param.substring(9));
            else kept.add(param);
        }
        String hosts = hostsWithPorts(authority, original);
        String jdbc = "jdbc:postgresql://" + hosts + "/" + database + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
        return new DatabaseUrl(Dialect.POSTGRESQL, jdbc, user, password, null);
    }

    private static String hostsWithPorts(String authority, String original) {
        if (authority.isEmpty()) return "localhost:" + DEFAULT_PG_PORT;
        List<String> out = new ArrayList<>();
        for (String host : authority.split(",")) {
            if (host.isEmpty()) throw invalid(original, "empty host name");
            boolean hasPort = host.startsWith("[") ? host.contains("]:") : host.contains(":");
            if (hasPort) {
                String port = host.substring(host.lastIndexOf(':') + 1);
                if (!port.matches("\\d{1,5}")) throw invalid(original, "port '" + port + "' is not a number");
                out.add(host);
            } else {
                out.add(host + ":" + DEFAULT_PG_PORT);
            }
        }
        return String.join(",", out);
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) if (chars.indexOf(s.charAt(i)) >= 0) return i;
        return -1;
    }

    /** Percent-decoding; unlike form decoding, '+' stays a plus sign. */
    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    private static BatonException.Invalid invalid(String value, String why) {
        return new BatonException.Invalid("config.database-url.invalid",
                ENV + " '" + maskSecrets(value) + "' is not usable (" + why + "); accepted forms: " + ACCEPTED_FORMS);
    }
}
