package dev.tern.imap.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * Writes IMAP responses (RFC 9051 §7) as bytes, token by token, to an {@link OutputStream}
 * (Netty's {@code ByteBufOutputStream} in the session, a byte array in tests). Spaces between
 * tokens are inserted automatically, never after an opening or before a closing parenthesis.
 *
 * <p>Strings are written quoted when they can be (printable 7-bit text, or UTF-8 once the client
 * enabled UTF8=ACCEPT / IMAP4rev2, short enough) and as literals otherwise, so any value is
 * safe to send. Big message parts are never held in memory: {@link #literalHeader(long)} writes
 * {@code {n}CRLF} and the caller then copies n octets, e.g. with {@link #literalBody(InputStream, long)}.
 *
 * <p>I/O errors surface as {@link UncheckedIOException}.
 */
public final class ResponseWriter {

    /** Longer strings go as literals: easier for clients, and RFC 9051 §4.3 suggests it. */
    private static final int MAX_QUOTED = 1024;
    private static final byte[] CRLF = {'\r', '\n'};

    private final OutputStream out;
    private final boolean utf8;
    /** Short tokens (atoms, numbers) are assembled here before they go out. */
    private final byte[] scratch = new byte[64];
    private boolean needSpace;

    /**
     * @param utf8 quoted strings may carry UTF-8 (RFC 6855 UTF8=ACCEPT enabled, or IMAP4rev2);
     *             otherwise 8-bit strings go as literals and mailbox names in modified UTF-7
     */
    public ResponseWriter(OutputStream out, boolean utf8) {
        this.out = out;
        this.utf8 = utf8;
    }

    public ResponseWriter(OutputStream out) {
        this(out, false);
    }

    // ---- starting and ending a response

    public ResponseWriter untagged() {
        raw("* ");
        needSpace = false;
        return this;
    }

    public ResponseWriter tagged(String tag) {
        raw(tag);
        raw(" ");
        needSpace = false;
        return this;
    }

    /** {@code + }: a continuation request (literal, AUTHENTICATE challenge, IDLE). */
    public ResponseWriter continuation() {
        raw("+ ");
        needSpace = false;
        return this;
    }

    /** Ends the response with CRLF. */
    public ResponseWriter end() {
        bytes(CRLF);
        needSpace = false;
        return this;
    }

    /**
     * A whole status response: {@code tag OK [code] text}, or untagged when {@code tag} is null.
     *
     * @param status OK, NO, BAD, BYE or PREAUTH
     * @param code   may be null
     */
    public ResponseWriter status(String tag, String status, ResponseCode code, String text) {
        if (tag == null) {
            untagged();
        } else {
            tagged(tag);
        }
        atom(status);
        if (code != null) {
            responseCode(code);
        }
        return text(text).end();
    }

    // ---- tokens

    /** An atom, number, keyword or flag, written as given. */
    public ResponseWriter atom(String atom) {
        space();
        raw(atom);
        return this;
    }

    public ResponseWriter number(long n) {
        if (n < 0) {
            return atom(Long.toString(n));
        }
        space();
        // Digits straight into the scratch array: a FETCH of a large mailbox writes tens of thousands.
        int p = scratch.length;
        do {
            scratch[--p] = (byte) ('0' + n % 10);
            n /= 10;
        } while (n > 0);
        write(scratch, p, scratch.length - p);
        return this;
    }

    public ResponseWriter nil() {
        return atom("NIL");
    }

    /** A quoted string or, when quoting is not possible, a literal. */
    public ResponseWriter string(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (quotable(bytes)) {
            space();
            bytes(quote(bytes));
        } else {
            literal(bytes);
        }
        return this;
    }

    /** nstring: NIL for null. */
    public ResponseWriter nstring(String s) {
        return s == null ? nil() : string(s);
    }

    /** astring: an atom when the value is one, a string otherwise. */
    public ResponseWriter astring(String s) {
        boolean atom = !s.isEmpty() && s.chars().allMatch(c -> CommandReader.isAtomChar(c) || c == ']')
                && !s.equalsIgnoreCase("NIL");
        return atom ? atom(s) : string(s);
    }

    /** A mailbox name: modified UTF-7 for IMAP4rev1 clients, UTF-8 once enabled. */
    public ResponseWriter mailbox(String name) {
        return string(utf8 ? name : MailboxNames.encodeModifiedUtf7(name));
    }

    public ResponseWriter literal(byte[] content) {
        literalHeader(content.length);
        bytes(content);
        return this;
    }

    /** {@code {n}CRLF}; exactly n octets must follow, written by the caller or {@link #literalBody}. */
    public ResponseWriter literalHeader(long n) {
        space();
        raw("{" + n + "}\r\n");
        needSpace = true;
        return this;
    }

    /** {@code ~{n}CRLF}: a literal8 for binary content (RFC 3516 BINARY[]). */
    public ResponseWriter literal8Header(long n) {
        space();
        raw("~{" + n + "}\r\n");
        needSpace = true;
        return this;
    }

    /**
     * Copies exactly n octets from {@code in} after a literal header. If the stream ends early the
     * rest is padded with spaces, because the announced length is a promise to the client.
     */
    public ResponseWriter literalBody(InputStream in, long n) {
        try {
            byte[] chunk = new byte[(int) Math.min(n, 64 * 1024)];
            long left = n;
            while (left > 0) {
                int read = in.read(chunk, 0, (int) Math.min(chunk.length, left));
                if (read < 0) {
                    break;
                }
                out.write(chunk, 0, read);
                left -= read;
            }
            while (left > 0) {
                out.write(' ');
                left--;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public ResponseWriter openList() {
        space();
        raw("(");
        needSpace = false;
        return this;
    }

    /**
     * The next token follows without a space: the parts of a multipart BODYSTRUCTURE are written
     * {@code (...)(...)} (RFC 9051 §9, body-type-mpart).
     */
    public ResponseWriter joined() {
        needSpace = false;
        return this;
    }

    public ResponseWriter closeList() {
        raw(")");
        needSpace = true;
        return this;
    }

    /** {@code (\Seen $Forwarded)}. */
    public ResponseWriter flags(Collection<String> flags) {
        openList();
        for (String f : flags) {
            atom(f);
        }
        return closeList();
    }

    /**
     * A token written before and kept (a flag list that thousands of FETCH responses repeat): its
     * octets as given, spaced as any token.
     */
    public ResponseWriter prepared(byte[] token) {
        space();
        write(token, 0, token.length);
        return this;
    }

    public ResponseWriter sequenceSet(SequenceSet set) {
        return atom(set.toString());
    }

    public ResponseWriter responseCode(ResponseCode code) {
        return atom(code.toString());
    }

    /** Human-readable text to the end of the line; CR, LF and other controls become spaces. */
    public ResponseWriter text(String text) {
        if (text == null || text.isEmpty()) {
            return this;
        }
        space();
        StringBuilder clean = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            clean.append(c < 0x20 || c == 0x7f ? ' ' : c);
        }
        bytes(clean.toString().getBytes(utf8 ? StandardCharsets.UTF_8 : StandardCharsets.US_ASCII));
        return this;
    }

    // ---- composite responses

    /** {@code * n FETCH (}; write the items, then {@link #fetchEnd()}. */
    public ResponseWriter fetchStart(long sequence) {
        untagged().number(sequence).atom("FETCH");
        return openList();
    }

    public ResponseWriter fetchEnd() {
        return closeList().end();
    }

    /**
     * {@code * ESEARCH (TAG "a") UID MIN 1 MAX 9 COUNT 4 ALL 1,5:7,9} (RFC 4731 §3.1); absent
     * results are left out.
     */
    public ResponseWriter esearch(EsearchResult result) {
        untagged().atom("ESEARCH");
        if (result.tag() != null) {
            openList().atom("TAG").string(result.tag()).closeList();
        }
        if (result.uid()) {
            atom("UID");
        }
        if (result.min() != null) {
            atom("MIN").number(result.min());
        }
        if (result.max() != null) {
            atom("MAX").number(result.max());
        }
        if (result.all() != null && !result.all().isEmpty()) {
            atom("ALL").sequenceSet(result.all());
        }
        if (result.count() != null) {
            atom("COUNT").number(result.count());
        }
        if (result.highestModSeq() != null) {
            atom("MODSEQ").number(result.highestModSeq());
        }
        return end();
    }

    // ---- internals

    private boolean quotable(byte[] bytes) {
        if (bytes.length > MAX_QUOTED) {
            return false;
        }
        for (byte b : bytes) {
            if (b == '\r' || b == '\n' || b == 0 || (b < 0 && !utf8)) {
                return false;
            }
        }
        return true;
    }

    private static byte[] quote(byte[] bytes) {
        int extra = 2;
        for (byte b : bytes) {
            if (b == '"' || b == '\\') {
                extra++;
            }
        }
        byte[] q = new byte[bytes.length + extra];
        int n = 0;
        q[n++] = '"';
        for (byte b : bytes) {
            if (b == '"' || b == '\\') {
                q[n++] = '\\';
            }
            q[n++] = b;
        }
        q[n] = '"';
        return q;
    }

    private void space() {
        if (needSpace) {
            try {
                out.write(' ');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        needSpace = true;
    }

    /** ASCII text as octets (anything else as {@code ?}, as US-ASCII encoding does), without a copy per call. */
    private void raw(String ascii) {
        int n = ascii.length();
        if (n > scratch.length) {
            bytes(ascii.getBytes(StandardCharsets.US_ASCII));
            return;
        }
        for (int i = 0; i < n; i++) {
            char c = ascii.charAt(i);
            scratch[i] = c < 0x80 ? (byte) c : (byte) '?';
        }
        write(scratch, 0, n);
    }

    private void write(byte[] b, int off, int len) {
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void bytes(byte[] b) {
        try {
            out.write(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
