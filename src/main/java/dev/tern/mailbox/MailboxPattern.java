package dev.tern.mailbox;

import java.util.regex.Pattern;

/**
 * A LIST pattern (RFC 3501 §6.3.8): {@code *} matches any characters, {@code %} any but the
 * hierarchy delimiter, everything else itself. A first level spelled "inbox" matches INBOX in any
 * case. Joining the reference name with the pattern is the protocol's work.
 */
public final class MailboxPattern {

    private final Pattern regex;

    private MailboxPattern(Pattern regex) {
        this.regex = regex;
    }

    public static MailboxPattern compile(String pattern) {
        String p = pattern;
        int n = MailboxNames.INBOX.length();
        if (p.regionMatches(true, 0, MailboxNames.INBOX, 0, n)
                && (p.length() == n || "/*%".indexOf(p.charAt(n)) >= 0)) {
            p = MailboxNames.INBOX + p.substring(n);
        }
        StringBuilder re = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '*' || c == '%') {
                re.append(Pattern.quote(literal.toString()));
                literal.setLength(0);
                re.append(c == '*' ? ".*" : "[^" + Pattern.quote(String.valueOf(MailboxNames.DELIMITER)) + "]*");
            } else {
                literal.append(c);
            }
        }
        re.append(Pattern.quote(literal.toString()));
        return new MailboxPattern(Pattern.compile(re.toString(), Pattern.DOTALL));
    }

    public boolean matches(String name) {
        return regex.matcher(name).matches();
    }
}
