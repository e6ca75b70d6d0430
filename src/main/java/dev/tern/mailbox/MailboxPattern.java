package dev.tern.mailbox;

import java.util.ArrayList;
import java.util.List;

/**
 * A LIST pattern (RFC 3501 §6.3.8): {@code *} matches any characters, {@code %} any but the
 * hierarchy delimiter, everything else itself. A first level spelled "inbox" matches INBOX in any
 * case. Joining the reference name with the pattern is the protocol's work.
 *
 * <p>Matching follows every place the pattern could have reached at once, one character of the
 * name at a time, so a name costs at most its length times the pattern's, whatever the pattern.
 * (A regular expression with one {@code .*} per wildcard backtracks: {@code "%*%*%*x"} against a
 * long name held a core for minutes.) Runs of wildcards are one wildcard, and a pattern with more
 * literal characters than a name has characters is refused at once, so the pattern a name is
 * matched against is never much longer than the name.
 */
public final class MailboxPattern {

    private static final char ANY = '*';
    private static final char LEVEL = '%';

    /** The pattern's characters; a wildcard where {@link #wildcard} says so. */
    private final char[] tokens;
    private final boolean[] wildcard;
    private final int literals;

    private MailboxPattern(char[] tokens, boolean[] wildcard, int literals) {
        this.tokens = tokens;
        this.wildcard = wildcard;
        this.literals = literals;
    }

    public static MailboxPattern compile(String pattern) {
        String p = pattern;
        int n = MailboxNames.INBOX.length();
        if (p.regionMatches(true, 0, MailboxNames.INBOX, 0, n)
                && (p.length() == n || "/*%".indexOf(p.charAt(n)) >= 0)) {
            p = MailboxNames.INBOX + p.substring(n);
        }
        List<Character> tokens = new ArrayList<>(p.length());
        List<Boolean> wild = new ArrayList<>(p.length());
        int literals = 0;
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            boolean isWildcard = c == ANY || c == LEVEL;
            int last = tokens.size() - 1;
            if (isWildcard && last >= 0 && wild.get(last)) {
                // "%%" is "%"; "*" with "%" on either side is "*".
                if (c == ANY) {
                    tokens.set(last, ANY);
                }
                continue;
            }
            tokens.add(c);
            wild.add(isWildcard);
            if (!isWildcard) {
                literals++;
            }
        }
        char[] t = new char[tokens.size()];
        boolean[] w = new boolean[tokens.size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = tokens.get(i);
            w[i] = wild.get(i);
        }
        return new MailboxPattern(t, w, literals);
    }

    public boolean matches(String name) {
        if (name.length() < literals) {
            return false;
        }
        int m = tokens.length;
        // reached[i]: the name read so far can end where the pattern's token i begins.
        boolean[] reached = new boolean[m + 1];
        boolean[] next = new boolean[m + 1];
        reached[0] = true;
        skipEmptyWildcards(reached);
        for (int k = 0; k < name.length(); k++) {
            char c = name.charAt(k);
            java.util.Arrays.fill(next, false);
            boolean any = false;
            for (int i = 0; i < m; i++) {
                if (!reached[i]) {
                    continue;
                }
                if (wildcard[i]) {
                    if (tokens[i] == ANY || c != MailboxNames.DELIMITER) {
                        next[i] = true;    // the wildcard takes this character too
                        any = true;
                    }
                } else if (tokens[i] == c) {
                    next[i + 1] = true;
                    any = true;
                }
            }
            if (!any) {
                return false;
            }
            skipEmptyWildcards(next);
            boolean[] swap = reached;
            reached = next;
            next = swap;
        }
        return reached[m];
    }

    /** A wildcard may match nothing: reaching it reaches what follows it. */
    private void skipEmptyWildcards(boolean[] positions) {
        for (int i = 0; i < tokens.length; i++) {
            if (positions[i] && wildcard[i]) {
                positions[i + 1] = true;
            }
        }
    }
}
