package dev.tern.security.dmarc;

import java.util.Locale;

/** The DMARC result of a message, with the names of RFC 8601 §2.7.4 ({@code dmarc=pass}, …). */
public enum DmarcResult {

    /** The author domain publishes no usable policy: DMARC says nothing about the message. */
    NONE,
    /** An SPF or DKIM pass is aligned with the author domain. */
    PASS,
    /** The author domain has a policy and neither SPF nor DKIM passed aligned with it. */
    FAIL,
    /** The policy could not be looked up for now (DNS failure): the message may be deferred. */
    TEMPERROR,
    /** The author domain or its policy record is unusable for good. */
    PERMERROR;

    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }
}
