package dev.tern.managesieve;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * What the server sends (RFC 5804 §1.2, §4), as octets: responses ({@code OK}, {@code NO},
 * {@code BYE}, each with an optional response code in parentheses and a human-readable string),
 * the lines before them (capabilities, script names, a script), and SASL challenges. Pure.
 *
 * <p>Strings go out quoted (with {@code \"} and {@code \\} escaped) when they are UTF-8 of at
 * most {@value #MAX_QUOTED} octets without CR, LF or NUL, and as literals {@code {n}} otherwise.
 * Human-readable text is one line: CR and LF become spaces, so nothing a client sent can start
 * a line of its own.
 */
final class ManageSieveReply {

    /** The longest quoted string sent (RFC 5804 §4 limits quoted strings to 1024 octets). */
    static final int MAX_QUOTED = 1024;

    private final byte[] octets;

    private ManageSieveReply(byte[] octets) {
        this.octets = octets;
    }

    private ManageSieveReply(Out out) {
        this(out.buf.toByteArray());
    }

    static ManageSieveReply ok(String text) {
        return response("OK", null, text);
    }

    /** @param code a response code without its parentheses, such as {@code WARNINGS}, or null */
    static ManageSieveReply ok(String code, String text) {
        return response("OK", code, text);
    }

    static ManageSieveReply no(String text) {
        return response("NO", null, text);
    }

    /** @param code a response code without its parentheses, such as {@code NONEXISTENT}, or null */
    static ManageSieveReply no(String code, String text) {
        return response("NO", code, text);
    }

    static ManageSieveReply bye(String code, String text) {
        return response("BYE", code, text);
    }

    /** NOOP's answer with the client's tag echoed: {@code OK (TAG "x") "text"} (RFC 5804 §2.15). */
    static ManageSieveReply okTagged(byte[] tag, String text) {
        Out out = new Out().ascii("OK (TAG ").string(tag).ascii(") ").string(text(text)).crlf();
        return new ManageSieveReply(out);
    }

    /** A SASL challenge: a string of base64 on a line of its own (RFC 5804 §2.1). */
    static ManageSieveReply challenge(String base64) {
        return new ManageSieveReply(new Out().string(base64.getBytes(StandardCharsets.US_ASCII)).crlf());
    }

    /**
     * The capability lines and the {@code OK} after them (RFC 5804 §1.7): the greeting, the answer
     * to CAPABILITY, and what follows a STARTTLS handshake.
     *
     * @param capabilities name to value, in order; a null value sends the name alone
     */
    static ManageSieveReply capabilities(Map<String, String> capabilities, String text) {
        Out out = new Out();
        capabilities.forEach((name, value) -> {
            out.string(name.getBytes(StandardCharsets.UTF_8));
            if (value != null) {
                out.ascii(" ").string(value.getBytes(StandardCharsets.UTF_8));
            }
            out.crlf();
        });
        out.append(ok(text).octets);
        return new ManageSieveReply(out);
    }

    /** One line per script, the active one marked {@code ACTIVE}, then {@code OK} (RFC 5804 §2.7). */
    static ManageSieveReply scriptList(List<Map.Entry<String, Boolean>> scripts) {
        Out out = new Out();
        for (Map.Entry<String, Boolean> s : scripts) {
            out.string(s.getKey().getBytes(StandardCharsets.UTF_8));
            if (s.getValue()) {
                out.ascii(" ACTIVE");
            }
            out.crlf();
        }
        out.append(ok("listed").octets);
        return new ManageSieveReply(out);
    }

    /** A script as GETSCRIPT sends it: always a literal, then {@code OK} (RFC 5804 §2.9). */
    static ManageSieveReply script(byte[] content) {
        Out out = new Out().literal(content).crlf();
        out.append(ok("script follows").octets);
        return new ManageSieveReply(out);
    }

    private static ManageSieveReply response(String kind, String code, String text) {
        Out out = new Out().ascii(kind);
        if (code != null) {
            out.ascii(" (" + code + ")");
        }
        if (text != null && !text.isEmpty()) {
            out.ascii(" ").string(text(text));
        }
        return new ManageSieveReply(out.crlf());
    }

    private static byte[] text(String text) {
        return text.replace('\r', ' ').replace('\n', ' ').replace('\0', ' ').getBytes(StandardCharsets.UTF_8);
    }

    byte[] toBytes() {
        return octets.clone();
    }

    /** The reply as sent, CRLFs included. */
    String text() {
        return new String(octets, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return text().strip();
    }

    /** Octets being put together. */
    private static final class Out {
        final ByteArrayOutputStream buf = new ByteArrayOutputStream();

        Out ascii(String s) {
            buf.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        Out crlf() {
            buf.write('\r');
            buf.write('\n');
            return this;
        }

        Out append(byte[] b) {
            buf.writeBytes(b);
            return this;
        }

        /** A string, quoted when it may be, else a literal. */
        Out string(byte[] s) {
            if (!quotable(s)) {
                return literal(s);
            }
            buf.write('"');
            for (byte b : s) {
                if (b == '"' || b == '\\') {
                    buf.write('\\');
                }
                buf.write(b);
            }
            buf.write('"');
            return this;
        }

        Out literal(byte[] s) {
            ascii("{" + s.length + "}").crlf();
            buf.writeBytes(s);
            return this;
        }

        private static boolean quotable(byte[] s) {
            if (s.length > MAX_QUOTED) {
                return false;
            }
            for (byte b : s) {
                if (b == '\r' || b == '\n' || b == 0) {
                    return false;
                }
            }
            return ManageSieveCommand.utf8(s) != null;
        }
    }
}
