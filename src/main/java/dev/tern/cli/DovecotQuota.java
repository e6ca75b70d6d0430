package dev.tern.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The quota a Dovecot passwd-file line gives its user in its extra fields:
 * {@code userdb_quota_rule=*:storage=1G} (or {@code quota_rule=}), as a size {@code Sizes} reads.
 */
final class DovecotQuota {

    /** The rule for all mailboxes ("*"), its storage limit with a unit: a bare number's unit has changed between versions. */
    private static final Pattern RULE = Pattern.compile(
            "(?:^|\\s)(?:userdb_)?quota_rule=\\*:(?:[^\\s]*:)?storage=(\\d+)([bkmgt])\\b", Pattern.CASE_INSENSITIVE);

    private DovecotQuota() {
    }

    /** The limit, e.g. {@code 1GB}; null when the fields give none this way (or 0: no limit). */
    static String of(String extraFields) {
        Matcher m = RULE.matcher(extraFields);
        if (!m.find() || Long.parseLong(m.group(1)) == 0) {
            return null;
        }
        String unit = m.group(2).toLowerCase(java.util.Locale.ROOT);
        return switch (unit) {
            case "t" -> Math.multiplyExact(Long.parseLong(m.group(1)), 1024L) + "GB";
            case "b" -> m.group(1);
            default -> m.group(1) + unit.toUpperCase(java.util.Locale.ROOT) + "B";
        };
    }
}
