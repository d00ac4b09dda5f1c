package dev.baton.shared;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides secrets in text that is about to be logged (seed 001 §1.4):
 * <ul>
 *   <li>credentials in URLs: {@code https://user:token@host} becomes {@code https://***@host} (git, http, nats …);</li>
 *   <li>API keys ({@code sk-…}, {@code ghp_…}, {@code xoxb-…}, {@code AKIA…}, {@code Bearer …}, {@code api_key=…},
 *       {@code token=…}) keep their first 4 characters: {@code sk-a***};</li>
 *   <li>passwords and secrets ({@code password=…}, {@code DB_SECRET: …}) and the values of {@code env} /
 *       {@code envOverrides} / {@code headers} maps (agent and MCP server config) become {@code ***} as a whole:
 *       they are short, a prefix would give most away;</li>
 *   <li>whatever the extra patterns given at construction match ({@code LOG_MASK_PATTERNS}).</li>
 * </ul>
 * Hex digests (sha256 of specs, commit shas) and ids such as {@code wf-123} are left alone: no rule looks at
 * bare hex, only at values behind a secret-sounding name or a known key prefix.
 * <p>Immutable and thread-safe; the patterns are compiled once.
 */
public final class SecretMasker {
    public static final String MASK = "***";
    private static final int KEPT_PREFIX = 4;
    /** A value this short shown with 4 characters would be nearly whole: it is masked entirely instead. */
    private static final int MIN_LENGTH_FOR_PREFIX = 9;

    /**
     * {@code env={A=b, C=d}}, {@code "env":{"A":"b"}}, {@code envOverrides: {A: b}}, {@code "headers":{"Authorization":"…"}}
     * (an MCP config): maps whose values are all secret.
     */
    private static final Pattern ENV_MAP = Pattern.compile("(?i)\\b(env|envOverrides|headers)([\"']?\\s*[:=]\\s*)\\{([^{}]*)}");
    private static final Pattern ENV_ENTRY = Pattern.compile("([\\w.-]+[\"']?\\s*[:=]\\s*)(\"[^\"]*\"|'[^']*'|[^,}\\s]+)");
    /** scheme://userinfo@ — greedy up to the last '@' before the path, so an unencoded '@' in a password cannot leak the rest. */
    private static final Pattern URL_USERINFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/?#\\s\"'<>]*@");
    /** Keys recognisable by their own shape, wherever they appear. */
    private static final Pattern KNOWN_KEYS = Pattern.compile(
            "\\b(?:sk-[A-Za-z0-9_-]{16,}"                  // OpenAI, Anthropic (sk-ant-…), sk-proj-…
                    + "|gh[pousr]_[A-Za-z0-9]{20,}"         // GitHub tokens
                    + "|github_pat_[A-Za-z0-9_]{20,}"
                    + "|xox[abposr]-[A-Za-z0-9-]{10,}"      // Slack
                    + "|(?:AKIA|ASIA)[0-9A-Z]{16}"          // AWS access key ids
                    + "|glpat-[A-Za-z0-9_-]{20,}"           // GitLab
                    + "|AIza[0-9A-Za-z_-]{35}"              // Google API keys
                    + ")");
    private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer\\s+)([A-Za-z0-9._~+/=-]{8,})");
    /**
     * {@code NAME=value}, {@code NAME: value}, {@code "name": "value"} where NAME sounds secret
     * ({@code GITHUB_TOKEN}, {@code api-key}, {@code DB_PASSWORD}, {@code client_secret} …).
     */
    private static final Pattern NAMED_VALUE = Pattern.compile(
            "(?i)([\\w.-]*(?:api[_-]?key|token|secret|password|passwd|pwd|credentials?)[\"']?\\s*[=:]\\s*[\"']?)([^\\s\"'&,;}\\]]+)");
    /** Names whose values are hidden whole rather than with a visible prefix. */
    private static final Pattern FULLY_SECRET_NAME = Pattern.compile("(?i).*(?:secret|password|passwd|pwd|credential).*");
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(?:api[_-]?key|token|secret|password|passwd|pwd|credential).*");
    // After the patterns: static fields initialise in order and the constructor needs them.
    private static final SecretMasker DEFAULTS = new SecretMasker(List.of());

    private final List<Rule> rules;

    /** @param extraPatterns regexes whose matches become {@code ***} (only group 1 when the pattern has a group) */
    public SecretMasker(Collection<String> extraPatterns) {
        List<Rule> r = new ArrayList<>();
        r.add(new Rule(ENV_MAP, s -> s.contains("nv") || s.contains("eaders"), m -> m.group(1) + m.group(2) + "{" + maskEnvEntries(m.group(3)) + "}"));
        r.add(new Rule(URL_USERINFO, s -> s.contains("://") && s.indexOf('@') >= 0, m -> m.group(1) + MASK + "@"));
        r.add(new Rule(KNOWN_KEYS, SecretMasker::mayHoldKnownKey, m -> keepPrefix(m.group())));
        r.add(new Rule(BEARER, s -> s.contains("earer") || s.contains("EARER"), m -> m.group(1) + keepPrefix(m.group(2))));
        r.add(new Rule(NAMED_VALUE, s -> s.indexOf('=') >= 0 || s.indexOf(':') >= 0,
                m -> m.group(1) + maskNamed(m.group(1), m.group(2))));
        for (String regex : extraPatterns) {
            if (regex == null || regex.isBlank()) continue;
            Pattern p = Pattern.compile(regex.strip());
            r.add(new Rule(p, s -> true, m -> m.groupCount() == 0 ? MASK
                    : m.group().substring(0, m.start(1) - m.start()) + MASK + m.group().substring(m.end(1) - m.start())));
        }
        this.rules = List.copyOf(r);
    }

    public static SecretMasker defaults() {
        return DEFAULTS;
    }

    /** The text with every secret the rules recognise masked; null stays null. */
    public String mask(String text) {
        if (text == null || text.length() < 4) return text;
        String out = text;
        for (Rule rule : rules) {
            if (rule.mayMatch.test(out)) out = rule.apply(out);
        }
        return out;
    }

    /** Whether every value under this key is secret as a whole ({@code env}, {@code envOverrides}, an MCP server's {@code headers}). */
    public boolean hidesAllValuesUnder(String key) {
        return key != null && (key.equalsIgnoreCase("env") || key.equalsIgnoreCase("envOverrides") || key.equalsIgnoreCase("headers"));
    }

    /** A value logged under a name: a secret-sounding name hides it (prefix kept for tokens and keys), else {@link #mask}. */
    public String maskNamedValue(String name, String value) {
        if (value == null) return null;
        if (name != null && SECRET_NAME.matcher(name).matches()) return maskNamed(name, value);
        return mask(value);
    }

    /**
     * One URL, or a bare {@code user:pass@host} authority, with its credentials masked:
     * {@code nats://u:p@host:4222} becomes {@code nats://***@host:4222}.
     */
    public static String maskUrlCredentials(String url) {
        if (url == null) return null;
        int scheme = url.indexOf("://");
        int authorityStart = scheme < 0 ? 0 : scheme + 3;
        int authorityEnd = url.indexOf('/', authorityStart);
        if (authorityEnd < 0) authorityEnd = url.length();
        // The last '@' of the authority: an unencoded '@' in a password must not leak the rest of it.
        int at = url.lastIndexOf('@', authorityEnd - 1);
        if (at < authorityStart) return url;
        return url.substring(0, authorityStart) + MASK + url.substring(at);
    }

    private static boolean mayHoldKnownKey(String s) {
        return s.contains("sk-") || mayHoldGithubToken(s) || s.contains("xox") || s.contains("AKIA") || s.contains("ASIA")
                || s.contains("glpat-") || s.contains("AIza");
    }

    /** {@code gh[pousr]_} or {@code github_pat_}: a bare "gh" is in too many words ("high", "thought") to run the regex for. */
    private static boolean mayHoldGithubToken(String s) {
        for (int i = s.indexOf("gh"); i >= 0 && i + 3 < s.length(); i = s.indexOf("gh", i + 2)) {
            char kind = s.charAt(i + 2);
            if (s.charAt(i + 3) == '_' && (kind == 'p' || kind == 'o' || kind == 'u' || kind == 's' || kind == 'r')) return true;
        }
        return s.contains("github_pat_");
    }

    private static String maskNamed(String name, String value) {
        if (value.endsWith(MASK)) return value; // masked already (a URL or key rule ran first)
        return FULLY_SECRET_NAME.matcher(name).matches() ? MASK : keepPrefix(value);
    }

    private static String keepPrefix(String secret) {
        if (secret.endsWith(MASK)) return secret;
        return secret.length() < MIN_LENGTH_FOR_PREFIX ? MASK : secret.substring(0, KEPT_PREFIX) + MASK;
    }

    private static String maskEnvEntries(String entries) {
        return ENV_ENTRY.matcher(entries).replaceAll(m -> {
            String v = m.group(2);
            String quote = v.startsWith("\"") ? "\"" : v.startsWith("'") ? "'" : "";
            return Matcher.quoteReplacement(m.group(1) + quote + MASK + quote);
        });
    }

    /** One masking rule: a cheap test that skips the regex when the text cannot match, and the replacement. */
    private record Rule(Pattern pattern, Predicate<String> mayMatch, Function<Matcher, String> replacement) {
        String apply(String text) {
            Matcher m = pattern.matcher(text);
            if (!m.find()) return text;
            StringBuilder sb = new StringBuilder(text.length());
            do {
                m.appendReplacement(sb, Matcher.quoteReplacement(replacement.apply(m)));
            } while (m.find());
            m.appendTail(sb);
            return sb.toString();
        }
    }

    @Override
    public String toString() {
        return "SecretMasker[" + rules.size() + " rules]";
    }
}
