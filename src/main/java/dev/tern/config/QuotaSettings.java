package dev.tern.config;

import java.util.List;

/**
 * What accounts with a quota are told as they fill up ({@code [quota]}; docs/quota.md).
 *
 * @param warnAt the percentages of its quota at which an account gets a warning in its INBOX,
 *               ascending; empty: none
 */
public record QuotaSettings(List<Integer> warnAt) {

    public QuotaSettings {
        warnAt = List.copyOf(warnAt);
    }

    /** As mail hosts commonly warn: once nearly full, once full. */
    public static QuotaSettings defaults() {
        return new QuotaSettings(List.of(90, 100));
    }

    static QuotaSettings read(ConfigNode n) {
        return new QuotaSettings(n.percentList("warn_at", defaults().warnAt()));
    }
}
