package dev.tern.security.spf;

import java.util.Locale;

/** The result of an SPF check (RFC 7208 §2.6), in the order the RFC lists them. */
public enum SpfResult {
    /** No SPF record, or no valid domain to look one up for. */
    NONE,
    /** The domain makes no assertion about the client ({@code ?}, or no mechanism matched). */
    NEUTRAL,
    /** The client is authorized to use the domain. */
    PASS,
    /** The client is explicitly not authorized ({@code -}). */
    FAIL,
    /** The client is probably not authorized ({@code ~}); the domain does not want a rejection. */
    SOFTFAIL,
    /** A transient DNS problem; the same check may succeed later. */
    TEMPERROR,
    /** The domain's records are broken (syntax, limits); a person has to fix them. */
    PERMERROR;

    /** The word used in Authentication-Results (RFC 8601 §2.7.2) and Received-SPF: "pass", "fail", … */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }
}
