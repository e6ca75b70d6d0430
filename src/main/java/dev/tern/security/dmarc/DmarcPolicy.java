package dev.tern.security.dmarc;

import java.util.Locale;

/** What a domain asks receivers to do with mail that fails DMARC (RFC 7489 §6.3, {@code p=} and {@code sp=}). */
public enum DmarcPolicy {

    /** Deliver as usual; the domain only wants reports. */
    NONE,
    /** Treat as suspicious: Tern files it in the recipient's Junk mailbox. */
    QUARANTINE,
    /** Refuse it during the SMTP transaction. */
    REJECT;

    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** One level less strict, for a failure that pct= sampled out (RFC 7489 §6.6.4). */
    public DmarcPolicy weaker() {
        return this == REJECT ? QUARANTINE : NONE;
    }

    /** The policy named by a p= or sp= value, case-insensitively; null when it names none. */
    static DmarcPolicy fromTagValue(String value) {
        for (DmarcPolicy p : values()) {
            if (p.keyword().equalsIgnoreCase(value)) {
                return p;
            }
        }
        return null;
    }
}
