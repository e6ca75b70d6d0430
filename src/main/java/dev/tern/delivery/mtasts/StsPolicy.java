package dev.tern.delivery.mtasts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A domain's MTA-STS policy (RFC 8461 §3.2): how strictly mail to it must be protected, and which
 * MX host names may receive it.
 *
 * @param mode   {@code enforce}: only matching MX hosts, over TLS with a valid certificate;
 *               {@code testing}: deliver as usual and report; {@code none}: no policy
 * @param mx     the MX host patterns: a host name, or {@code *.} and a domain for one more label
 * @param maxAge how long the policy may be cached
 */
public record StsPolicy(Mode mode, List<String> mx, Duration maxAge) {

    /** RFC 8461 §3.2: at most about a year. */
    static final long MAX_AGE_LIMIT = 31_557_600;

    public enum Mode { ENFORCE, TESTING, NONE }

    public StsPolicy {
        mx = List.copyOf(mx);
    }

    /**
     * Whether {@code host} (an MX host name) is one the policy names (RFC 8461 §4.1): equal, or,
     * for a {@code *.example.org} pattern, one label more than {@code example.org}.
     */
    public boolean permits(String host) {
        String h = normalize(host);
        for (String pattern : mx) {
            if (pattern.startsWith("*.")) {
                String suffix = pattern.substring(1);
                int dot = h.indexOf('.');
                if (dot > 0 && h.substring(dot).equals(suffix)) {
                    return true;
                }
            } else if (h.equals(pattern)) {
                return true;
            }
        }
        return false;
    }

    private static String normalize(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    /**
     * Parses a policy file: {@code key: value} lines ended by CRLF or LF, with {@code version:
     * STSv1}, {@code mode}, {@code max_age} and, unless the mode is {@code none}, one or more
     * {@code mx}. Unknown keys are ignored (RFC 8461 §3.2).
     *
     * @throws IllegalArgumentException saying what is wrong; the policy is then not used
     */
    public static StsPolicy parse(String text) {
        String version = null;
        Mode mode = null;
        Long maxAge = null;
        List<String> mx = new ArrayList<>();
        for (String raw : text.split("\n", -1)) {
            String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            if (line.isBlank()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("not a key: value line: " + shorten(line));
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            switch (key) {
                case "version" -> version = first(version, value, key);
                case "mode" -> {
                    if (mode != null) {
                        throw new IllegalArgumentException("mode given twice");
                    }
                    mode = switch (value) {
                        case "enforce" -> Mode.ENFORCE;
                        case "testing" -> Mode.TESTING;
                        case "none" -> Mode.NONE;
                        default -> throw new IllegalArgumentException("unknown mode " + shorten(value));
                    };
                }
                case "max_age" -> {
                    if (maxAge != null) {
                        throw new IllegalArgumentException("max_age given twice");
                    }
                    if (!value.matches("[0-9]{1,10}")) {
                        throw new IllegalArgumentException("max_age is not a number of seconds: " + shorten(value));
                    }
                    maxAge = Math.min(Long.parseLong(value), MAX_AGE_LIMIT);
                }
                case "mx" -> {
                    String pattern = normalize(value);
                    if (!pattern.matches("(\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")) {
                        throw new IllegalArgumentException("not an MX host pattern: " + shorten(value));
                    }
                    mx.add(pattern);
                }
                default -> {
                    // other keys are for later versions of the policy format
                }
            }
        }
        if (!"STSv1".equals(version)) {
            throw new IllegalArgumentException(version == null ? "no version" : "version is not STSv1");
        }
        if (mode == null) {
            throw new IllegalArgumentException("no mode");
        }
        if (maxAge == null) {
            throw new IllegalArgumentException("no max_age");
        }
        if (mx.isEmpty() && mode != Mode.NONE) {
            throw new IllegalArgumentException("no mx");
        }
        return new StsPolicy(mode, mx, Duration.ofSeconds(maxAge));
    }

    /**
     * The policy id of a domain's {@code _mta-sts} TXT records (RFC 8461 §3.1): the one record
     * that starts with {@code v=STSv1}, and its {@code id} (1 to 32 letters and digits); null when
     * there is none, or more than one, or it is not valid, and then the domain has no policy.
     */
    public static String policyId(List<String> txtRecords) {
        String found = null;
        int count = 0;
        for (String record : txtRecords) {
            String r = record.strip();
            if (!r.startsWith("v=STSv1")) {
                continue;
            }
            count++;
            String[] fields = r.split(";");
            if (!fields[0].strip().equals("v=STSv1")) {
                continue;
            }
            for (int i = 1; i < fields.length; i++) {
                String f = fields[i].strip();
                if (f.startsWith("id=") && f.substring(3).matches("[A-Za-z0-9]{1,32}")) {
                    found = f.substring(3);
                }
            }
        }
        return count == 1 ? found : null;
    }

    private static String first(String previous, String value, String key) {
        if (previous != null) {
            throw new IllegalArgumentException(key + " given twice");
        }
        return value;
    }

    private static String shorten(String s) {
        String clean = s.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 60 ? clean.substring(0, 60) + "…" : clean;
    }
}
