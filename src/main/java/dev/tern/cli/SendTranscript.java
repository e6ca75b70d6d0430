package dev.tern.cli;

import dev.tern.smtp.client.ContentEncoder;
import dev.tern.smtp.client.TranscriptListener;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * Prints an SMTP dialogue the way swaks does: {@code <- } what the server said, {@code -> } what
 * was sent, {@code *** } notes. Message content is printed as sent (dot-stuffed), up to
 * {@value #MAX_CONTENT_LINES} lines.
 */
final class SendTranscript implements TranscriptListener {

    static final int MAX_CONTENT_LINES = 200;

    private final PrintWriter out;
    private byte[] content = new byte[0];

    SendTranscript(PrintWriter out) {
        this.out = out;
    }

    /** The message about to be sent, so that it can be shown when its content goes out. */
    void content(byte[] message) {
        this.content = message;
    }

    @Override
    public void sent(String line) {
        print("-> " + line);
    }

    @Override
    public void received(String line) {
        print("<- " + printable(line));
    }

    @Override
    public void contentSent(long octets) {
        ContentEncoder encoder = new ContentEncoder(ContentEncoder.Mode.DATA);
        java.io.ByteArrayOutputStream sent = new java.io.ByteArrayOutputStream();
        sent.writeBytes(encoder.encode(content));
        byte[] end = encoder.finish();
        sent.write(end, 0, end.length - 3);  // without the final ".", shown as a command
        String text = sent.toString(StandardCharsets.UTF_8);
        String[] lines = text.split("\r\n", -1);
        int count = text.endsWith("\r\n") ? lines.length - 1 : lines.length;
        for (int i = 0; i < Math.min(count, MAX_CONTENT_LINES); i++) {
            print("-> " + printable(lines[i]));
        }
        if (count > MAX_CONTENT_LINES) {
            note((count - MAX_CONTENT_LINES) + " more lines of content not shown");
        }
    }

    @Override
    public void note(String text) {
        print("*** " + text);
    }

    private synchronized void print(String line) {
        out.println(line);
        out.flush();
    }

    /** Keeps a hostile server from sending terminal escape sequences to the user's screen. */
    private static String printable(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c < 32 && c != '\t' || c == 127 ? '?' : c);
        }
        return sb.toString();
    }
}
