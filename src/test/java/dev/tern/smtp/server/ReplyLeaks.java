package dev.tern.smtp.server;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What a reply must never show: class and exception names, stack frames, file paths, or a Java
 * null printed where words were meant. The client's own words, echoed back (a malformed parameter
 * is named in its refusal), do not count.
 */
final class ReplyLeaks {

    private static final List<String> INTERNALS = List.of(
            "java.", "javax.", "dev.tern", "netty", "Exception", "Throwable", "\tat ", ".java:", "/tmp/", "/var/",
            "/home/", "/usr/", "/root/");
    private static final Pattern NULL = Pattern.compile("\\bnull\\b", Pattern.CASE_INSENSITIVE);

    private ReplyLeaks() {
    }

    /**
     * Fails when {@code reply} shows something of the server's insides that {@code sent} did not hold.
     *
     * @param extra    more texts that must not appear (the data directory's path)
     * @param context  what to print with a failure: the seed, the input
     */
    static void check(String reply, String sent, String context, String... extra) {
        String text = reply.replace("null path", "");   // "a recipient cannot be the null path <>"
        String lowerSent = sent.toLowerCase(java.util.Locale.ROOT);
        for (String leak : INTERNALS) {
            if (text.toLowerCase(java.util.Locale.ROOT).contains(leak.toLowerCase(java.util.Locale.ROOT))
                    && !lowerSent.contains(leak.toLowerCase(java.util.Locale.ROOT))) {
                throw new AssertionError(context + ": reply shows internals (" + leak.strip() + "): " + reply);
            }
        }
        for (String leak : extra) {
            if (text.contains(leak)) {
                throw new AssertionError(context + ": reply shows " + leak + ": " + reply);
            }
        }
        if (NULL.matcher(text).find() && !NULL.matcher(sent).find()) {
            throw new AssertionError(context + ": reply shows a null: " + reply);
        }
    }
}
