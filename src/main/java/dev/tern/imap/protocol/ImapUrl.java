package dev.tern.imap.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An IMAP URL (RFC 5092) that names one message, or a section of it, on this server: what a
 * CATENATE {@code URL} part of APPEND refers to (RFC 4469 §3). Two forms are read:
 * <ul>
 *   <li>absolute, {@code imap://[user[;AUTH=…]@]host[:port]/mailbox[;UIDVALIDITY=n]/;UID=n…};</li>
 *   <li>relative with an absolute path, {@code /mailbox[;UIDVALIDITY=n]/;UID=n…}, which names a
 *       message on the server and account of the session.</li>
 * </ul>
 * After the UID come an optional {@code /;SECTION=} (a FETCH section specifier, percent-encoded,
 * parsed by the FETCH section parser) and {@code /;PARTIAL=offset[.length]}. URLAUTH
 * ({@code ;EXPIRE=}, {@code ;URLAUTH=}, RFC 4467) and message lists (searches) are not accepted.
 * Mailbox names and user names are percent-decoded as UTF-8.
 *
 * <p>Whether the URL's server and user are this server and the session's user, and whether the
 * message exists, is for the caller to decide: this is syntax only, and never throws anything but
 * {@link IllegalArgumentException} with a short reason.
 *
 * @param user        the user named in an absolute URL, or null
 * @param host        the host of an absolute URL (lower case, without port), or null for a relative one
 * @param mailbox     the mailbox name
 * @param uidValidity the UIDVALIDITY the URL was made for, or null when it gives none
 * @param section     the section; {@link Section#WHOLE} for the whole message
 * @param partial     the {@code ;PARTIAL=} range, or null
 */
public record ImapUrl(String user, String host, String mailbox, Long uidValidity, long uid, Section section,
                      FetchItem.Partial partial) {

    /** Longer URLs are refused: a section with many header field names fits well within. */
    public static final int MAX_LENGTH = 4096;

    private static final String SCHEME = "imap://";

    public static ImapUrl parse(String url) {
        if (url.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("URL too long");
        }
        String user = null;
        String host = null;
        String path = url;
        if (url.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            int slash = url.indexOf('/', SCHEME.length());
            if (slash < 0) {
                throw new IllegalArgumentException("the URL names no message");
            }
            String authority = url.substring(SCHEME.length(), slash);
            int at = authority.lastIndexOf('@');
            if (at >= 0) {
                String userinfo = authority.substring(0, at);
                int auth = userinfo.toUpperCase(Locale.ROOT).indexOf(";AUTH=");
                String encUser = auth >= 0 ? userinfo.substring(0, auth) : userinfo;
                user = encUser.isEmpty() ? null : decode(encUser);
                authority = authority.substring(at + 1);
            }
            host = hostOf(authority);
            path = url.substring(slash);
        }
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("only absolute IMAP URLs and relative ones starting with / are accepted");
        }
        int semicolon = path.indexOf(';');
        if (semicolon < 0) {
            throw new IllegalArgumentException("the URL names no message (;UID= missing)");
        }
        String encMailbox = path.substring(1, semicolon);
        boolean slashBeforeParameter = encMailbox.endsWith("/");
        if (slashBeforeParameter) {
            encMailbox = encMailbox.substring(0, encMailbox.length() - 1);
        }
        if (encMailbox.isEmpty()) {
            throw new IllegalArgumentException("the URL names no mailbox");
        }
        String mailbox = decode(encMailbox);
        Long uidValidity = null;
        Long uid = null;
        Section section = Section.WHOLE;
        FetchItem.Partial partial = null;
        boolean sectionSeen = false;
        String rest = path.substring(semicolon);
        int i = 0;
        boolean first = true;
        while (i < rest.length()) {
            boolean slash = first ? slashBeforeParameter : rest.charAt(i) == '/';
            if (!first && slash) {
                i++;
            }
            if (i >= rest.length() || rest.charAt(i) != ';') {
                throw new IllegalArgumentException("malformed URL parameters");
            }
            int end = i + 1;
            while (end < rest.length() && rest.charAt(end) != '/' && rest.charAt(end) != ';') {
                end++;
            }
            String parameter = rest.substring(i + 1, end);
            int eq = parameter.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("malformed URL parameter");
            }
            String name = parameter.substring(0, eq).toUpperCase(Locale.ROOT);
            String value = parameter.substring(eq + 1);
            switch (name) {
                case "UIDVALIDITY" -> {
                    if (uidValidity != null || uid != null || slash) {
                        throw new IllegalArgumentException(";UIDVALIDITY= must follow the mailbox name");
                    }
                    uidValidity = nzNumber(value, "UIDVALIDITY");
                }
                case "UID" -> {
                    if (uid != null || !slash) {
                        throw new IllegalArgumentException("malformed ;UID=");
                    }
                    uid = nzNumber(value, "UID");
                }
                case "SECTION" -> {
                    if (uid == null || sectionSeen || partial != null || !slash) {
                        throw new IllegalArgumentException(";SECTION= must follow ;UID=");
                    }
                    section = section(decode(value));
                    sectionSeen = true;
                }
                case "PARTIAL" -> {
                    if (uid == null || partial != null || !slash) {
                        throw new IllegalArgumentException(";PARTIAL= must follow ;UID= or ;SECTION=");
                    }
                    partial = partial(value);
                }
                case "URLAUTH", "EXPIRE" -> throw new IllegalArgumentException("URLAUTH is not supported");
                default -> throw new IllegalArgumentException("unknown URL parameter");
            }
            i = end;
            first = false;
        }
        if (uid == null) {
            throw new IllegalArgumentException("the URL names no message (;UID= missing)");
        }
        return new ImapUrl(user, host, mailbox, uidValidity, uid, section, partial);
    }

    private static String hostOf(String authority) {
        String host = authority;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("malformed host");
            }
            host = host.substring(0, close + 1);
        } else {
            int colon = host.indexOf(':');
            if (colon >= 0) {
                host = host.substring(0, colon);
            }
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("the URL names no host");
        }
        return decode(host).toLowerCase(Locale.ROOT);
    }

    private static Section section(String spec) {
        CommandReader r = new CommandReader(("[" + spec + "]").getBytes(StandardCharsets.UTF_8));
        try {
            Section s = new FetchItemsParser(r).section();
            if (!r.atEnd()) {
                throw new IllegalArgumentException("malformed section");
            }
            return s;
        } catch (ParseFailure f) {
            throw new IllegalArgumentException("malformed section");
        }
    }

    private static FetchItem.Partial partial(String value) {
        int dot = value.indexOf('.');
        long offset = number(dot < 0 ? value : value.substring(0, dot), "PARTIAL");
        long length = dot < 0 ? Long.MAX_VALUE : nzNumber(value.substring(dot + 1), "PARTIAL");
        return new FetchItem.Partial(offset, length);
    }

    private static long nzNumber(String value, String what) {
        long n = number(value, what);
        if (n == 0) {
            throw new IllegalArgumentException(what + " must not be zero");
        }
        return n;
    }

    private static long number(String value, String what) {
        if (value.isEmpty() || value.length() > 10 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("malformed " + what);
        }
        long n = Long.parseLong(value);
        if (n > 0xFFFFFFFFL) {
            throw new IllegalArgumentException(what + " out of range");
        }
        return n;
    }

    /** Percent-decoding (RFC 3986 §2.1) as UTF-8. */
    static String decode(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= text.length()) {
                    throw new IllegalArgumentException("malformed percent-encoding");
                }
                int hi = Character.digit(text.charAt(i + 1), 16);
                int lo = Character.digit(text.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("malformed percent-encoding");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c <= 0x20 || c >= 0x7f) {
                throw new IllegalArgumentException("a URL character that must be percent-encoded");
            } else {
                out.write(c);
            }
        }
        try {
            return CommandReader.decode(out.toByteArray(), StandardCharsets.UTF_8, "the URL");
        } catch (ParseFailure f) {
            throw new IllegalArgumentException("not UTF-8 once percent-decoded");
        }
    }
}
