package dev.tern.smtp.client;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The service extensions a server announced in its EHLO reply (RFC 5321 §4.1.1.1): each line
 * after the first is a keyword and its parameters. Keywords are compared without regard to case.
 * After HELO (no EHLO) there are none: {@link #NONE}.
 *
 * <p>The pre-standard form {@code AUTH=LOGIN PLAIN} that old servers still send is read as
 * {@code AUTH}.
 */
public final class Capabilities {

    /** What a server that answered HELO (not EHLO) supports: nothing beyond RFC 5321's base. */
    public static final Capabilities NONE = new Capabilities("", Map.of(), false);

    private final String serverName;
    private final Map<String, List<String>> keywords;
    private final boolean esmtp;

    private Capabilities(String serverName, Map<String, List<String>> keywords, boolean esmtp) {
        this.serverName = serverName;
        this.keywords = keywords;
        this.esmtp = esmtp;
    }

    /** Reads a positive EHLO reply. */
    public static Capabilities fromEhlo(ServerReply reply) {
        if (!reply.isPositive()) {
            throw new IllegalArgumentException("not a positive EHLO reply: " + reply);
        }
        Map<String, List<String>> keywords = new LinkedHashMap<>();
        List<String> lines = reply.lines();
        for (int i = 1; i < lines.size(); i++) {
            String[] words = lines.get(i).trim().split("[ \t]+");
            if (words.length == 0 || words[0].isEmpty()) {
                continue;
            }
            String keyword = words[0].toUpperCase(Locale.ROOT);
            List<String> params = List.of(words).subList(1, words.length);
            if (keyword.startsWith("AUTH=")) {
                List<String> mechs = new java.util.ArrayList<>();
                mechs.add(words[0].substring(5));
                mechs.addAll(params);
                keyword = "AUTH";
                params = mechs;
            }
            List<String> known = keywords.get(keyword);
            if (known == null) {
                keywords.put(keyword, List.copyOf(params));
            } else if (keyword.equals("AUTH")) {
                List<String> merged = new java.util.ArrayList<>(known);
                merged.addAll(params);
                keywords.put(keyword, List.copyOf(merged));
            }
        }
        String first = lines.get(0).trim();
        int space = first.indexOf(' ');
        return new Capabilities(space < 0 ? first : first.substring(0, space), Collections.unmodifiableMap(keywords), true);
    }

    /** True when the server answered EHLO (false after a fallback to HELO). */
    public boolean isEsmtp() {
        return esmtp;
    }

    /** The name the server gave in the first line of its EHLO reply. */
    public String serverName() {
        return serverName;
    }

    /** True when the server announced {@code keyword}. */
    public boolean has(String keyword) {
        return keywords.containsKey(keyword.toUpperCase(Locale.ROOT));
    }

    /** The parameters of {@code keyword}, or an empty list when it has none or was not announced. */
    public List<String> parameters(String keyword) {
        return keywords.getOrDefault(keyword.toUpperCase(Locale.ROOT), List.of());
    }

    /** Every keyword announced, in upper case, in the order announced. */
    public Set<String> keywords() {
        return keywords.keySet();
    }

    /**
     * RFC 1870 SIZE: the largest message the server takes, in octets. Empty when SIZE was not
     * announced or announced without a limit ({@code SIZE} or {@code SIZE 0}).
     */
    public OptionalLong maxSize() {
        List<String> p = parameters("SIZE");
        if (p.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            long n = Long.parseLong(p.get(0));
            return n > 0 ? OptionalLong.of(n) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** RFC 1870: the server takes the SIZE parameter on MAIL. */
    public boolean size() {
        return has("SIZE");
    }

    /** RFC 2920: commands may be sent in groups. */
    public boolean pipelining() {
        return has("PIPELINING");
    }

    /** RFC 6152: 8-bit content (BODY=8BITMIME). */
    public boolean eightBitMime() {
        return has("8BITMIME");
    }

    /** RFC 6531: UTF-8 addresses and headers (SMTPUTF8 on MAIL). */
    public boolean smtpUtf8() {
        return has("SMTPUTF8");
    }

    /** RFC 3030: BDAT. */
    public boolean chunking() {
        return has("CHUNKING");
    }

    /** RFC 3030: binary content (BODY=BINARYMIME, with BDAT). */
    public boolean binaryMime() {
        return has("BINARYMIME");
    }

    /** RFC 3461: delivery status notification parameters (RET, ENVID, NOTIFY, ORCPT). */
    public boolean dsn() {
        return has("DSN");
    }

    /** RFC 3207: STARTTLS. */
    public boolean startTls() {
        return has("STARTTLS");
    }

    /** RFC 2034: replies carry enhanced status codes. */
    public boolean enhancedStatusCodes() {
        return has("ENHANCEDSTATUSCODES");
    }

    /** RFC 4954: the SASL mechanisms offered, in upper case, in the order announced; empty without AUTH. */
    public Set<String> authMechanisms() {
        Set<String> mechs = new LinkedHashSet<>();
        for (String m : parameters("AUTH")) {
            mechs.add(m.toUpperCase(Locale.ROOT));
        }
        return Collections.unmodifiableSet(mechs);
    }

    @Override
    public String toString() {
        return esmtp ? String.join(" ", keywords.keySet()) : "(HELO: no extensions)";
    }
}
