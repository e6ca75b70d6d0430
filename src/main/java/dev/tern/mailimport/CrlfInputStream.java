package dev.tern.mailimport;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Turns the bare LF line ends that Maildir and mbox files hold into CRLF, as a message is kept and
 * served over IMAP (RFC 9051 §2.3.4, RFC 5322): Dovecot, mutt and mbsync write their files with
 * Unix line ends. CRLF already there is left as it is.
 */
final class CrlfInputStream extends FilterInputStream {

    private boolean lastWasCr;
    private boolean pendingLf;
    private long count;

    CrlfInputStream(InputStream in) {
        super(new java.io.BufferedInputStream(in, 65536));   // read byte by byte below: files, never a socket
    }

    /** The octets read so far, line ends converted. */
    long count() {
        return count;
    }

    @Override
    public int read() throws IOException {
        int b = next();
        if (b >= 0) {
            count++;
        }
        return b;
    }

    private int next() throws IOException {
        if (pendingLf) {
            pendingLf = false;
            lastWasCr = false;
            return '\n';
        }
        int b = super.read();
        if (b == '\n' && !lastWasCr) {
            pendingLf = true;
            lastWasCr = true;
            return '\r';
        }
        lastWasCr = b == '\r';
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        int n = 0;
        while (n < len) {
            int b = read();
            if (b == -1) {
                return n == 0 ? -1 : n;
            }
            buf[off + n++] = (byte) b;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = 0;
        while (skipped < n && read() >= 0) {
            skipped++;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
