package dev.tern.server;

import dev.tern.config.CheckSettings;
import dev.tern.mail.IpAddresses;
import dev.tern.mail.MailAddress;
import dev.tern.mail.MailException;
import dev.tern.mail.ReceptionVerdict;
import dev.tern.security.authresults.AuthenticationResults;
import dev.tern.security.authresults.ForgedResultsFilter;
import dev.tern.security.client.IprevResult;
import dev.tern.security.dkim.ArcResult;
import dev.tern.security.dmarc.reports.DmarcReportCounts;
import dev.tern.security.dkim.DkimResult;
import dev.tern.security.dkim.DkimStatus;
import dev.tern.security.dkim.DkimVerifier;
import dev.tern.security.dmarc.DmarcOutcome;
import dev.tern.security.dmarc.DmarcPolicy;
import dev.tern.security.dmarc.DmarcResult;
import dev.tern.security.dmarc.DmarcVerifier;
import dev.tern.security.spf.SpfOutcome;
import dev.tern.security.spf.SpfResult;
import dev.tern.smtp.server.ContentFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What a port-25 message proves about its origin, worked out while it streams in: DKIM
 * signatures are hashed on the way, forged Authentication-Results fields are taken out, and at
 * the end the SPF result (started at MAIL), the DKIM results and the DMARC policy of the From:
 * domain are put together into an Authentication-Results field and a disposition: accept,
 * quarantine (the recipients' Junk mailbox) or refuse with 550 5.7.1.
 *
 * <p>A DMARC failure that DNS trouble may have caused (a temperror in SPF, DKIM or the DMARC
 * lookup) is not judged while the domain's policy would act on it: the client gets 451 4.7.5 and
 * tries again later, so that DNS failures never decide a message by accident.
 */
final class MessageAuthentication implements ContentFilter {

    private static final Logger log = LoggerFactory.getLogger(MessageAuthentication.class);

    private final InboundChecks checks;
    private final InetAddress client;
    private final String helo;
    private final MailAddress sender;
    private final CompletableFuture<IprevResult> iprev;
    private final CompletableFuture<SpfOutcome> spf;
    private final DkimVerifier.Verification dkim;
    private final ForgedResultsFilter forged;
    private volatile ReceptionVerdict reception = ReceptionVerdict.NONE;

    MessageAuthentication(InboundChecks checks, InetAddress client, String helo, MailAddress sender,
                          CompletableFuture<IprevResult> iprev, CompletableFuture<SpfOutcome> spf) {
        this.checks = checks;
        this.client = client;
        this.helo = helo;
        this.sender = sender;
        this.iprev = iprev;
        this.spf = spf;
        this.dkim = checks.dkim == null ? null : checks.dkim.begin();
        this.forged = new ForgedResultsFilter(checks.settings.authservId());
    }

    @Override
    public void write(ByteBuffer in, Consumer<ByteBuffer> out) {
        if (dkim != null) {
            dkim.update(in.duplicate());
        }
        forged.write(in, out);
    }

    @Override
    public void finish(Consumer<ByteBuffer> out) {
        forged.finish(out);
    }

    @Override
    public CompletableFuture<Void> verdict() {
        CompletableFuture<SpfOutcome> spfDone = spf == null ? CompletableFuture.completedFuture(null) : spf;
        CompletableFuture<List<DkimResult>> dkimDone = dkim == null ? CompletableFuture.completedFuture(null)
                : dkim.finish();
        CompletableFuture<IprevResult> iprevDone = iprev == null ? CompletableFuture.completedFuture(null)
                : iprev.exceptionally(e -> null);
        CompletableFuture<ArcResult> arcDone = dkim == null ? CompletableFuture.completedFuture(null) : dkim.arc();
        return CompletableFuture.allOf(spfDone, dkimDone, iprevDone, arcDone)
                .thenCompose(v -> dmarc(spfDone.join(), dkimDone.join())
                        .thenApply(d -> decide(iprevDone.join(), spfDone.join(), dkimDone.join(), arcDone.join(), d)));
    }

    @Override
    public ReceptionVerdict reception() {
        return reception;
    }

    /** The DMARC outcome, or null when DMARC is off or the From: domain cannot be told. */
    private CompletableFuture<Evaluated> dmarc(SpfOutcome spfOutcome, List<DkimResult> signatures) {
        if (checks.dmarc == null || dkim == null) {
            return CompletableFuture.completedFuture(new Evaluated(null, null));
        }
        if (dkim.headerTooLarge()) {
            // Its From: was never read, so no policy could apply: a way around DMARC, refused.
            return CompletableFuture.failedFuture(new MailException(552, "5.3.4",
                    "Message header section too large (more than " + DkimVerifier.MAX_HEADER_BYTES / 1024 + " KB)",
                    InboundChecks.DMARC));
        }
        var author = DmarcVerifier.authorDomain(dkim.headerFields());
        if (author.domain() == null) {
            return CompletableFuture.completedFuture(new Evaluated(null, author.problem()));
        }
        String spfDomain = spfOutcome != null && spfOutcome.result() == SpfResult.PASS ? spfOutcome.domain() : null;
        List<String> dkimDomains = signatures == null ? List.of()
                : signatures.stream().filter(DkimResult::passed).map(DkimResult::domain).toList();
        return checks.dmarc.evaluate(author.domain(), spfDomain, dkimDomains)
                .thenApply(outcome -> new Evaluated(outcome, null));
    }

    private record Evaluated(DmarcOutcome outcome, String problem) {
    }

    private Void decide(IprevResult iprevResult, SpfOutcome spfOutcome, List<DkimResult> signatures, ArcResult arc,
                        Evaluated dmarc) {
        AuthenticationResults results = new AuthenticationResults(checks.settings.authservId());
        if (iprevResult != null) {
            results.add("iprev", lower(iprevResult.status()), iprevResult.confirmedName(),
                    "policy.iprev", IpAddresses.format(iprevResult.client()));
        }
        if (spfOutcome != null) {
            boolean heloIdentity = "helo".equals(spfOutcome.identity());
            results.add("spf", spfOutcome.result().keyword(), spfOutcome.reason(),
                    heloIdentity ? "smtp.helo" : "smtp.mailfrom", heloIdentity ? helo : spfOutcome.sender());
        }
        if (signatures != null) {
            if (signatures.isEmpty()) {
                results.add("dkim", "none", "message not signed");
            }
            for (DkimResult r : signatures) {
                results.add("dkim", r.status().keyword(), r.reason(), "header.d", r.domain(),
                        "header.s", r.selector(), "header.i", r.identity(), "header.a", r.algorithm(),
                        "header.b", r.headerB());
            }
        }
        if (arc != null) {
            results.add("arc", arc.result(), arcComment(arc));
        }
        CheckSettings.Action action = CheckSettings.Action.NONE;
        DmarcReportCounts.Override override = null;
        DmarcOutcome d = dmarc.outcome();
        if (d != null) {
            action = action(d);
            String comment = dmarcComment(d, action);
            if (action != CheckSettings.Action.NONE && vouchedFor(arc)) {
                // A forwarder this server trusts saw the message pass DMARC before it changed it
                // (RFC 8617 §7.2.1: a local policy decision).
                log.info("client {} sender <{}>: DMARC failure of {} not acted on: ARC chain sealed by {}, a trusted "
                        + "sealer", IpAddresses.format(client), sender == null ? "" : sender, d.fromDomain(), arc.sealer());
                action = CheckSettings.Action.NONE;
                comment = dmarcComment(d, action) + ", trusted ARC sealer " + arc.sealer();
                override = new DmarcReportCounts.Override("trusted_forwarder", "arc=pass, sealed by " + arc.sealer());
            }
            results.add("dmarc", d.result().keyword(), comment, "header.from", d.fromDomain());
        } else if (checks.dmarc != null) {
            results.add("dmarc", "none", dmarc.problem());
        }
        String field = results.headerField();
        if (d != null && action != CheckSettings.Action.NONE && doubtful(d, spfOutcome, signatures)) {
            log.info("client {} sender <{}>: DMARC for {} not judged on a DNS failure; deferred", IpAddresses.format(client),
                    sender == null ? "" : sender, d.fromDomain());
            throw new MailException(451, "4.7.5", "Temporary failure checking the DMARC policy of "
                    + d.fromDomain() + ", try again later", InboundChecks.DMARC);
        }
        if (d != null && checks.dmarcReports != null) {
            // What was done, as the domain's aggregate report will say (RFC 7489 §7.2).
            checks.dmarcReports.count(d, lower(action), client, sender == null ? null : sender.asciiDomain(),
                    signatures, spfOutcome, override);
        }
        if (action == CheckSettings.Action.REJECT) {
            log.info("client {} sender <{}>: refused by the DMARC policy of {} ({})", IpAddresses.format(client),
                    sender == null ? "" : sender, d.fromDomain(), d.reason());
            throw new MailException(550, "5.7.1", "Message refused: it fails the DMARC policy of " + d.fromDomain()
                    + " (p=reject)", InboundChecks.DMARC);
        }
        reception = new ReceptionVerdict(field, action == CheckSettings.Action.QUARANTINE);
        return null;
    }

    /**
     * Whether the message's ARC chain is intact, its newest seal is by a trusted sealer, and that
     * sealer recorded DMARC as passing when the message reached it.
     */
    private boolean vouchedFor(ArcResult arc) {
        return arc != null && arc.passed() && checks.settings.trustsSealer(arc.sealer()) && arc.results() != null
                && DMARC_PASSED.matcher(arc.results()).find();
    }

    private static final java.util.regex.Pattern DMARC_PASSED =
            java.util.regex.Pattern.compile("(?i)(^|[;\\s])dmarc\\s*=\\s*pass\\b");

    private static String arcComment(ArcResult arc) {
        return switch (arc.result()) {
            case "pass" -> arc.instances() + (arc.instances() == 1 ? " set" : " sets") + ", newest sealed by " + arc.sealer();
            case "fail" -> arc.reason();
            default -> null;
        };
    }

    /** What this server does with the message under the domain's policy, as the config maps it. */
    private CheckSettings.Action action(DmarcOutcome d) {
        if (d.result() == DmarcResult.TEMPERROR) {
            return checks.settings.dmarcReject() != CheckSettings.Action.NONE
                    || checks.settings.dmarcQuarantine() != CheckSettings.Action.NONE
                    ? CheckSettings.Action.REJECT : CheckSettings.Action.NONE;   // unknown policy: deferred below
        }
        if (d.result() != DmarcResult.FAIL) {
            return CheckSettings.Action.NONE;
        }
        return d.applied() == DmarcPolicy.REJECT ? checks.settings.dmarcReject()
                : d.applied() == DmarcPolicy.QUARANTINE ? checks.settings.dmarcQuarantine()
                : CheckSettings.Action.NONE;
    }

    /** True when a temporary DNS failure, not the evidence, may be why DMARC did not pass. */
    private static boolean doubtful(DmarcOutcome d, SpfOutcome spfOutcome, List<DkimResult> signatures) {
        if (d.result() == DmarcResult.TEMPERROR) {
            return true;
        }
        boolean spfTemp = spfOutcome != null && spfOutcome.result() == SpfResult.TEMPERROR;
        boolean dkimTemp = signatures != null && signatures.stream().anyMatch(r -> r.status() == DkimStatus.TEMPERROR);
        return d.result() == DmarcResult.FAIL && (spfTemp || dkimTemp);
    }

    private static String dmarcComment(DmarcOutcome d, CheckSettings.Action action) {
        if (d.result() != DmarcResult.PASS && d.result() != DmarcResult.FAIL) {
            return d.reason();
        }
        String comment = "p=" + d.requested().keyword();
        if (d.result() == DmarcResult.FAIL) {
            comment += " dis=" + (action == CheckSettings.Action.NONE ? "none" : lower(action));
        }
        return comment;
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
