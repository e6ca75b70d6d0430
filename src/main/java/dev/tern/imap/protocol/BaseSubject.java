package dev.tern.imap.protocol;

import java.util.Locale;

/**
 * The base subject of RFC 5256 §2.1, what SORT SUBJECT compares: the subject without the "Re:",
 * "Fwd:" and "[list]" leaders, "(fwd)" trailers and "[Fwd: …]" wrappers that replies and
 * forwards add, with white space collapsed.
 */
public final class BaseSubject {

    private BaseSubject() {
    }

    /**
     * A base subject, and whether the subject marked a reply or forward: a "Re:" or "Fwd:" leader,
     * a "(fwd)" trailer or a "[Fwd: …]" wrapper was removed (what THREAD=REFERENCES asks, §2.2).
     */
    public record Result(String base, boolean replyOrForward) {
    }

    /** @param decoded the Subject field's value with its encoded words decoded (step 1's first half) */
    public static String of(String decoded) {
        return analyze(decoded).base();
    }

    public static Result analyze(String decoded) {
        // (1) tabs and line breaks as spaces, runs of white space as one space
        String s = decoded.replaceAll("[ \\t\\r\\n]+", " ");
        boolean marked = false;
        while (true) {
            String trimmed = withoutTrailers(s);           // (2)
            marked |= trimmed.strip().length() < s.strip().length();
            s = trimmed;
            String before;
            do {                                           // (5): (3) and (4) until nothing changes
                before = s;
                String led = withoutLeaders(s);            // (3)
                marked |= led.strip().length() < s.strip().length();
                s = withoutBlob(led);                      // (4)
            } while (!s.equals(before));
            String lower = s.toLowerCase(Locale.ROOT);
            if (lower.startsWith("[fwd:") && s.endsWith("]")) {   // (6)
                s = s.substring(5, s.length() - 1);
                marked = true;
                continue;
            }
            return new Result(s.strip(), marked);
        }
    }

    /** Step 2: "(fwd)" and white space at the end, as often as they occur. */
    private static String withoutTrailers(String s) {
        while (true) {
            if (s.endsWith(" ")) {
                s = s.substring(0, s.length() - 1);
            } else if (s.toLowerCase(Locale.ROOT).endsWith("(fwd)")) {
                s = s.substring(0, s.length() - 5);
            } else {
                return s;
            }
        }
    }

    /** Step 3: every leading subj-leader, {@code (*subj-blob subj-refwd) / WSP}. */
    private static String withoutLeaders(String s) {
        while (true) {
            if (s.startsWith(" ")) {
                s = s.substring(1);
                continue;
            }
            int after = refwdAfterBlobs(s);
            if (after < 0) {
                return s;
            }
            s = s.substring(after);
        }
    }

    /** Where the text after {@code *subj-blob subj-refwd} at the start begins, or -1 when there is none. */
    private static int refwdAfterBlobs(String s) {
        int i = 0;
        while (true) {
            int blobEnd = blobEnd(s, i);
            if (blobEnd < 0) {
                break;
            }
            i = blobEnd;
        }
        String lower = s.toLowerCase(Locale.ROOT);
        int j;
        if (lower.startsWith("re", i)) {
            j = i + 2;
        } else if (lower.startsWith("fwd", i)) {
            j = i + 3;
        } else if (lower.startsWith("fw", i)) {
            j = i + 2;
        } else {
            return -1;
        }
        while (j < s.length() && s.charAt(j) == ' ') {
            j++;
        }
        int blobEnd = blobEnd(s, j);
        if (blobEnd >= 0) {
            j = blobEnd;
        }
        return j < s.length() && s.charAt(j) == ':' ? j + 1 : -1;
    }

    /** The end of a subj-blob ({@code "[" *BLOBCHAR "]" *WSP}) starting at {@code i}, or -1. */
    private static int blobEnd(String s, int i) {
        if (i >= s.length() || s.charAt(i) != '[') {
            return -1;
        }
        int j = i + 1;
        while (j < s.length() && s.charAt(j) != ']' && s.charAt(j) != '[') {
            j++;
        }
        if (j >= s.length() || s.charAt(j) != ']') {
            return -1;
        }
        j++;
        while (j < s.length() && s.charAt(j) == ' ') {
            j++;
        }
        return j;
    }

    /** Step 4: a leading subj-blob, unless removing it would leave nothing. */
    private static String withoutBlob(String s) {
        int end = blobEnd(s, 0);
        if (end < 0) {
            return s;
        }
        String rest = s.substring(end);
        return rest.isBlank() ? s : rest;
    }
}
