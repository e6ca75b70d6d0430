package dev.tern.imap.server;

import java.nio.charset.StandardCharsets;

/**
 * Octets of a message held in memory: its header prefix (Return-Path, Delivered-To) followed by
 * its content, which are kept apart, so that a range is copied out of the two without joining them.
 */
final class MessageBytes {

    private MessageBytes() {
    }

    /** Up to {@code length} octets from {@code start}; fewer when the message ends first. */
    static byte[] range(String headerPrefix, byte[] content, long start, long length) {
        byte[] prefix = headerPrefix.isEmpty() ? EMPTY : headerPrefix.getBytes(StandardCharsets.UTF_8);
        long total = prefix.length + (long) content.length;
        long from = Math.min(start, total);
        int n = (int) Math.min(length, total - from);
        if (prefix.length == 0 && from == 0 && n == content.length) {
            return content;    // the whole content: never changed by anyone, so it is shared
        }
        byte[] out = new byte[n];
        int done = 0;
        if (from < prefix.length) {
            done = (int) Math.min(n, prefix.length - from);
            System.arraycopy(prefix, (int) from, out, 0, done);
        }
        if (done < n) {
            System.arraycopy(content, (int) (from + done - prefix.length), out, done, n - done);
        }
        return out;
    }

    private static final byte[] EMPTY = new byte[0];
}
