package dev.tern.delivery.remote;

import dev.tern.config.DeliverySettings.TlsLevel;
import dev.tern.delivery.RecipientOutcome;
import dev.tern.delivery.dane.DaneHost;
import dev.tern.delivery.mtasts.StsPolicy;
import dev.tern.routing.NextHop;

import java.util.ArrayList;
import java.util.List;

/**
 * Where and how a REQUIRETLS message may go (RFC 8689 §2): to MX hosts trusted through
 * DNSSEC-validated MX records or through an MTA-STS policy that names them, over TLS with the
 * certificate checked (against the host's TLSA records when it has usable ones, else against its
 * name and the CAs), never in plaintext. That the server offers REQUIRETLS itself is checked in
 * the session ({@link SmtpDeliveryAttempt}). A fixed route is a host the operator named, not an
 * MX lookup: only its certificate is checked. The smarthost must be configured with TLS and
 * certificate verification.
 *
 * @param hop     the hop with the TLS level to use, when the message may go
 * @param targets the hosts it may go to
 * @param kind    when it may not go: failed (nothing will change by waiting) or deferred
 * @param refusal why it may not go; null when it may
 */
record RequiredTls(NextHop hop, List<Target> targets, RecipientOutcome.Kind kind, String status, String refusal) {

    /**
     * @param policy            the MX domain's MTA-STS policy, or null
     * @param policyUnavailable the domain announces a policy that could not be had just now
     * @param mxSecure          the domain's MX records are DNSSEC-validated
     */
    static RequiredTls of(NextHop hop, List<Target> targets, StsPolicy policy, boolean policyUnavailable,
                          boolean mxSecure) {
        if (hop instanceof NextHop.Mx m) {
            return forMx(m, targets, policy, policyUnavailable, mxSecure);
        }
        if (hop instanceof NextHop.Fixed f) {
            return go(new NextHop.Fixed(f.host(), f.port(), TlsLevel.VERIFY), withoutDane(targets));
        }
        NextHop.Relay r = (NextHop.Relay) hop;
        return r.tls() == TlsLevel.VERIFY ? go(r, targets)
                : refuse(RecipientOutcome.Kind.FAILED, "5.7.30", "REQUIRETLS: the smarthost " + r.smarthost().address()
                        + " is not reached over TLS with a verified certificate ([delivery.smarthost])");
    }

    private static RequiredTls forMx(NextHop.Mx m, List<Target> targets, StsPolicy policy, boolean policyUnavailable,
                                     boolean mxSecure) {
        boolean policyNames = policy != null && policy.mode() != StsPolicy.Mode.NONE;
        List<Target> kept = new ArrayList<>();
        for (Target t : targets) {
            if (t.dane() instanceof DaneHost.Authenticated) {
                kept.add(t);
            } else if (mxSecure || policyNames && policy.permits(t.hostName())) {
                kept.add(new Target(t.hostName(), t.address()));
            }
        }
        if (!kept.isEmpty()) {
            return go(new NextHop.Mx(m.domain(), m.port(), TlsLevel.VERIFY), kept);
        }
        if (policyNames) {
            return refuse(RecipientOutcome.Kind.DEFERRED, "4.7.5", "REQUIRETLS: the MTA-STS policy of " + m.domain()
                    + " names none of its MX hosts (mx: " + String.join(", ", policy.mx()) + ")");
        }
        if (policyUnavailable) {
            return refuse(RecipientOutcome.Kind.DEFERRED, "4.7.5", "REQUIRETLS: the MTA-STS policy of " + m.domain()
                    + " could not be fetched, and its MX records are not DNSSEC-validated");
        }
        return refuse(RecipientOutcome.Kind.FAILED, "5.7.30", "REQUIRETLS: the MX hosts of " + m.domain()
                + " can be trusted neither through DNSSEC-validated MX records nor through an MTA-STS policy");
    }

    private static List<Target> withoutDane(List<Target> targets) {
        return targets.stream().map(t -> new Target(t.hostName(), t.address())).toList();
    }

    private static RequiredTls go(NextHop hop, List<Target> targets) {
        return new RequiredTls(hop, targets, null, null, null);
    }

    private static RequiredTls refuse(RecipientOutcome.Kind kind, String status, String why) {
        return new RequiredTls(null, List.of(), kind, status, why);
    }
}
