package dev.tern.security.dmarc;

import java.util.Objects;

/**
 * The DMARC evaluation of one message.
 *
 * @param result       the result, for the Authentication-Results field
 * @param fromDomain   the author domain evaluated (RFC5322.From), in lower-case A-labels
 * @param policyDomain where the policy record was found ({@code from domain} or its organizational
 *                     domain), or null when none was
 * @param requested    the policy that applies to this message: p=, or sp= for a subdomain that has no
 *                     record of its own; NONE when there is no record
 * @param applied      what to do: NONE on a pass; on a failure the requested policy, or one level
 *                     weaker when pct= sampled the message out
 * @param spfAligned   an SPF pass for a domain aligned with the author domain
 * @param dkimAligned  a DKIM pass for a domain aligned with the author domain
 * @param reason       a short text for people and logs
 * @param published    the record found at {@code policyDomain}, for the aggregate reports; null when none was
 */
public record DmarcOutcome(DmarcResult result, String fromDomain, String policyDomain, DmarcPolicy requested,
                           DmarcPolicy applied, boolean spfAligned, boolean dkimAligned, String reason,
                           PublishedPolicy published) {

    public DmarcOutcome {
        Objects.requireNonNull(result);
        Objects.requireNonNull(requested);
        Objects.requireNonNull(applied);
        Objects.requireNonNull(reason);
    }

    /** An outcome without a published policy. */
    public DmarcOutcome(DmarcResult result, String fromDomain, String policyDomain, DmarcPolicy requested,
                        DmarcPolicy applied, boolean spfAligned, boolean dkimAligned, String reason) {
        this(result, fromDomain, policyDomain, requested, applied, spfAligned, dkimAligned, reason, null);
    }
}
