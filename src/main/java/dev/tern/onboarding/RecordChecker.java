package dev.tern.onboarding;

import dev.tern.directory.DnsRecords;
import dev.tern.dns.DnsAnswer;
import dev.tern.dns.DnsResolver;
import dev.tern.security.spf.SpfOutcome;
import dev.tern.security.spf.SpfResult;
import dev.tern.security.spf.SpfVerifier;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Type;

import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * Checks records of {@link DnsRecords} against live DNS, each by what it is for rather than by
 * its exact text:
 * <ul>
 *   <li>MX: this server's host name is among the MX targets;</li>
 *   <li>SPF: the domain's SPF policy authorizes every address of this server's host name (an
 *       RFC 7208 check, so {@code include:}, {@code a}, {@code ip4:}… count as well as {@code mx});</li>
 *   <li>DKIM: the record at the selector has the same public key ({@code p=});</li>
 *   <li>DMARC: the domain has exactly one DMARC record with a valid policy (which policy is the
 *       owner's choice);</li>
 *   <li>ownership: the token is published;</li>
 *   <li>SRV: a record with this host name and port (or the "." target for a service not offered);</li>
 *   <li>autoconfig/autodiscover: a CNAME to this host name, or address records equal to its own.</li>
 * </ul>
 * A lookup that gets no usable answer makes its record's status {@code error}, never missing.
 * Every method returns at once; the futures complete on the resolver's threads and never fail.
 */
public final class RecordChecker {

    private final DnsResolver dns;
    private final String hostname;
    private final SpfVerifier spf;

    /** @param hostname this server's name, A-labels, without a final dot */
    public RecordChecker(DnsResolver dns, String hostname) {
        this.dns = dns;
        this.hostname = normalize(hostname);
        this.spf = new SpfVerifier(dns, hostname, Clock.systemUTC());
    }

    /** Checks all records at once; the results come in the records' order. */
    public CompletableFuture<List<RecordCheck>> checkAll(List<DnsRecords.Record> records) {
        List<CompletableFuture<RecordCheck>> checks = records.stream().map(this::check).toList();
        return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new))
                .thenApply(v -> checks.stream().map(CompletableFuture::join).toList());
    }

    public CompletableFuture<RecordCheck> check(DnsRecords.Record record) {
        CompletableFuture<RecordCheck> check;
        try {
            check = switch (record.kind()) {
                case MX -> mx(record);
                case SPF -> spf(record);
                case DKIM -> dkim(record);
                case DMARC -> dmarc(record);
                case OWNERSHIP -> ownership(record);
                case SRV -> srv(record);
                case CNAME -> cname(record);
                case MTA_STS -> mtaSts(record);
                case TLS_RPT -> tlsRpt(record);
            };
        } catch (RuntimeException e) {
            check = CompletableFuture.failedFuture(e);
        }
        return check.exceptionally(e -> new RecordCheck(record, RecordCheck.Status.ERROR, List.of(), record.data(),
                "the check failed: " + e));
    }

    // ---- MX

    private CompletableFuture<RecordCheck> mx(DnsRecords.Record record) {
        String expected = hostname + " among the MX hosts";
        return dns.lookup(record.name(), Type.MX).thenApply(answer -> {
            RecordCheck failed = notFound(record, answer, expected, "no MX records");
            if (failed != null) {
                return failed;
            }
            List<MXRecord> mx = answer.values().stream().map(MXRecord.class::cast).toList();
            List<String> published = mx.stream().map(r -> r.getPriority() + " " + r.getTarget()).toList();
            boolean ours = mx.stream().anyMatch(r -> normalize(r.getTarget()).equals(hostname));
            return ours
                    ? found(record, published, expected, "mail for " + record.name() + " comes to " + hostname)
                    : new RecordCheck(record, RecordCheck.Status.DIFFERENT, published, expected,
                    hostname + " is not among the MX hosts: mail for " + record.name() + " goes elsewhere");
        });
    }

    // ---- SPF

    private CompletableFuture<RecordCheck> spf(DnsRecords.Record record) {
        String domain = record.name();
        String expected = "an SPF policy that authorizes " + hostname + ", such as " + record.text();
        return dns.txt(domain).thenCompose(answer -> {
            if (answer instanceof DnsAnswer.TemporaryFailure<String> t) {
                return done(error(record, expected, t.reason()));
            }
            List<String> policies = answer.values().stream().filter(RecordChecker::isSpf).toList();
            if (policies.isEmpty()) {
                return done(new RecordCheck(record, RecordCheck.Status.MISSING, List.of(), expected,
                        "no SPF record (TXT starting with v=spf1) at " + domain));
            }
            return dns.addresses(hostname).thenCompose(addresses -> {
                if (!(addresses instanceof DnsAnswer.Found<InetAddress>)) {
                    String why = addresses instanceof DnsAnswer.TemporaryFailure<InetAddress> t ? t.reason()
                            : hostname + " has no A or AAAA record, so whether SPF authorizes it cannot be told";
                    return done(error(record, expected, why));
                }
                List<CompletableFuture<SpfOutcome>> outcomes = addresses.values().stream()
                        .map(ip -> spf.checkHost(ip, domain, "postmaster@" + domain, hostname)).toList();
                return CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new)).thenApply(v ->
                        spfVerdict(record, policies, expected, addresses.values(),
                                outcomes.stream().map(CompletableFuture::join).toList()));
            });
        });
    }

    private RecordCheck spfVerdict(DnsRecords.Record record, List<String> policies, String expected,
                                   List<InetAddress> addresses, List<SpfOutcome> outcomes) {
        List<String> failing = new ArrayList<>();
        boolean temporary = false;
        for (int i = 0; i < outcomes.size(); i++) {
            SpfOutcome o = outcomes.get(i);
            if (o.result() == SpfResult.TEMPERROR) {
                temporary = true;
            }
            if (o.result() != SpfResult.PASS) {
                failing.add(addresses.get(i).getHostAddress() + ": " + o.result().keyword() + " (" + o.reason() + ")");
            }
        }
        if (failing.isEmpty()) {
            return found(record, policies, expected, "the SPF policy authorizes " + hostname + " ("
                    + addresses.stream().map(InetAddress::getHostAddress).collect(Collectors.joining(", ")) + ")");
        }
        String detail = "the SPF policy does not authorize " + hostname + ": " + String.join("; ", failing);
        return new RecordCheck(record, temporary ? RecordCheck.Status.ERROR : RecordCheck.Status.DIFFERENT,
                policies, expected, detail);
    }

    private static boolean isSpf(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        return t.equals("v=spf1") || t.startsWith("v=spf1 ");
    }

    // ---- DKIM

    private CompletableFuture<RecordCheck> dkim(DnsRecords.Record record) {
        String key = tag(record.text(), "p");
        String expected = record.text();
        return dns.txt(record.name()).thenApply(answer -> {
            RecordCheck failed = notFound(record, answer, expected, "no DKIM key record");
            if (failed != null) {
                return failed;
            }
            List<String> published = answer.values();
            if (published.stream().anyMatch(text -> key.equals(tag(text, "p")))) {
                return found(record, published, expected, "the published public key is this server's");
            }
            return new RecordCheck(record, RecordCheck.Status.DIFFERENT, published, expected,
                    "the published public key (p=) is not the key this server signs with");
        });
    }

    // ---- DMARC

    private CompletableFuture<RecordCheck> dmarc(DnsRecords.Record record) {
        String expected = "one DMARC record, such as " + record.text();
        return dns.txt(record.name()).thenApply(answer -> {
            if (answer instanceof DnsAnswer.TemporaryFailure<String> t) {
                return error(record, expected, t.reason());
            }
            List<String> policies = answer.values().stream()
                    .filter(t -> t.trim().toLowerCase(Locale.ROOT).startsWith("v=dmarc1")).toList();
            if (policies.isEmpty()) {
                return new RecordCheck(record, RecordCheck.Status.MISSING, answer.values(), expected,
                        "no DMARC record (TXT starting with v=DMARC1) at " + record.name());
            }
            if (policies.size() > 1) {
                return new RecordCheck(record, RecordCheck.Status.DIFFERENT, policies, expected,
                        "more than one DMARC record: receivers then apply none (RFC 7489 section 6.6.3)");
            }
            String p = tag(policies.get(0), "p");
            if (!List.of("none", "quarantine", "reject").contains(p.toLowerCase(Locale.ROOT))) {
                return new RecordCheck(record, RecordCheck.Status.DIFFERENT, policies, expected,
                        "the DMARC record has no valid policy (p=none, quarantine or reject)");
            }
            return found(record, policies, expected, "DMARC policy p=" + p);
        });
    }

    // ---- ownership

    private CompletableFuture<RecordCheck> ownership(DnsRecords.Record record) {
        String expected = record.text();
        return dns.txt(record.name()).thenApply(answer -> {
            RecordCheck failed = notFound(record, answer, expected, "no ownership token");
            if (failed != null) {
                return failed;
            }
            List<String> published = answer.values();
            if (published.stream().anyMatch(t -> t.trim().equals(expected))) {
                return found(record, published, expected, "the ownership token is published");
            }
            boolean otherToken = published.stream().anyMatch(t -> t.trim().startsWith(DnsRecords.OWNERSHIP_PREFIX));
            return new RecordCheck(record, otherToken ? RecordCheck.Status.DIFFERENT : RecordCheck.Status.MISSING,
                    published, expected, otherToken ? "another token is published" : "no ownership token");
        });
    }

    // ---- MTA-STS

    /**
     * RFC 8461 §3.1: exactly one record starting with {@code v=STSv1}, with the id of the policy
     * served now. Another id is not wrong for senders that fetch anew, but those that cached the old
     * policy keep it until it expires: the record must change whenever the policy does.
     */
    private CompletableFuture<RecordCheck> mtaSts(DnsRecords.Record record) {
        String expected = record.text();
        return dns.txt(record.name()).thenApply(answer -> {
            OneTxt sts = oneTxt(record, answer, expected, "v=STSv1", "MTA-STS",
                    "senders then use none (RFC 8461 section 3.1)");
            if (sts.problem() != null) {
                return sts.problem();
            }
            if (!tag(sts.value(), "id").equals(tag(expected, "id"))) {
                return new RecordCheck(record, RecordCheck.Status.DIFFERENT, List.of(sts.value()), expected,
                        "the id is not that of the policy served now: senders that kept the old policy do not fetch it again");
            }
            return found(record, List.of(sts.value()), expected, "the MTA-STS record names the policy served now");
        });
    }

    /**
     * RFC 8460 §3: exactly one record starting with {@code v=TLSRPTv1}, with a {@code rua}. Its
     * addresses are the operator's choice (a report-processing service, say): any is right.
     */
    private CompletableFuture<RecordCheck> tlsRpt(DnsRecords.Record record) {
        String expected = record.text();
        return dns.txt(record.name()).thenApply(answer -> {
            OneTxt rpt = oneTxt(record, answer, expected, "v=TLSRPTv1", "TLS-RPT",
                    "senders then report to none (RFC 8460 section 3)");
            if (rpt.problem() != null) {
                return rpt.problem();
            }
            String rua = tag(rpt.value(), "rua");
            if (rua.isEmpty()) {
                return new RecordCheck(record, RecordCheck.Status.DIFFERENT, List.of(rpt.value()), expected,
                        "the TLS-RPT record has no rua=: senders have nowhere to report");
            }
            return found(record, List.of(rpt.value()), expected, "TLS reports go to " + rua);
        });
    }

    /** The one TXT value of a versioned record, or the check that says why there is not exactly one. */
    private record OneTxt(String value, RecordCheck problem) {
    }

    /**
     * @param version    how the record's text starts, e.g. {@code v=STSv1}
     * @param what       its name in the messages
     * @param twoMeans   what senders do when there are several
     */
    private static OneTxt oneTxt(DnsRecords.Record record, DnsAnswer<String> answer, String expected, String version,
                                 String what, String twoMeans) {
        RecordCheck failed = notFound(record, answer, expected, "no " + what + " record");
        if (failed != null) {
            return new OneTxt(null, failed);
        }
        List<String> matching = answer.values().stream().filter(t -> t.trim().startsWith(version)).toList();
        if (matching.isEmpty()) {
            return new OneTxt(null, new RecordCheck(record, RecordCheck.Status.MISSING, answer.values(), expected,
                    "no " + what + " record (TXT starting with " + version + ")"));
        }
        if (matching.size() > 1) {
            return new OneTxt(null, new RecordCheck(record, RecordCheck.Status.DIFFERENT, matching, expected,
                    "more than one " + what + " record: " + twoMeans));
        }
        return new OneTxt(matching.get(0), null);
    }

    // ---- SRV

    private CompletableFuture<RecordCheck> srv(DnsRecords.Record record) {
        String[] parts = record.data().split(" ");
        int port = Integer.parseInt(parts[2]);
        String target = normalize(parts[3]);
        boolean notOffered = target.isEmpty();
        String expected = notOffered ? "target \".\" (service not offered)" : target + " port " + port;
        return dns.lookup(record.name(), Type.SRV).thenApply(answer -> {
            RecordCheck failed = notFound(record, answer, expected, "no SRV record");
            if (failed != null) {
                return failed;
            }
            List<SRVRecord> srv = answer.values().stream().map(SRVRecord.class::cast).toList();
            List<String> published = srv.stream()
                    .map(r -> r.getPriority() + " " + r.getWeight() + " " + r.getPort() + " " + r.getTarget()).toList();
            boolean match = srv.stream().anyMatch(r -> normalize(r.getTarget()).equals(target)
                    && (notOffered || r.getPort() == port));
            if (match) {
                return found(record, published, expected, notOffered ? "published as not offered"
                        : "clients are sent to " + target + " port " + port);
            }
            return new RecordCheck(record, RecordCheck.Status.DIFFERENT, published, expected,
                    notOffered ? "published as offered, but this server does not offer it"
                            : "clients are sent elsewhere than " + target + " port " + port);
        });
    }

    // ---- autoconfig and autodiscover names

    private CompletableFuture<RecordCheck> cname(DnsRecords.Record record) {
        String expected = "CNAME " + hostname + " (or the same addresses)";
        return dns.lookup(record.name(), Type.CNAME).thenCompose(answer -> {
            if (answer instanceof DnsAnswer.Found<Record> f) {
                List<String> published = f.values().stream().map(r -> ((CNAMERecord) r).getTarget().toString()).toList();
                boolean ours = f.values().stream().anyMatch(r -> normalize(((CNAMERecord) r).getTarget()).equals(hostname));
                return done(ours ? found(record, published, expected, "an alias of " + hostname)
                        : new RecordCheck(record, RecordCheck.Status.DIFFERENT, published, expected,
                        "an alias of another host"));
            }
            if (answer instanceof DnsAnswer.TemporaryFailure<Record> t) {
                return done(error(record, expected, t.reason()));
            }
            if (answer instanceof DnsAnswer.NoSuchDomain<Record>) {
                return done(new RecordCheck(record, RecordCheck.Status.MISSING, List.of(), expected,
                        record.name() + " does not exist"));
            }
            // The name exists without a CNAME: address records of its own are as good if they are ours.
            return dns.addresses(record.name()).thenCombine(dns.addresses(hostname), (theirs, ours) -> {
                if (theirs instanceof DnsAnswer.TemporaryFailure<InetAddress> t) {
                    return error(record, expected, t.reason());
                }
                if (ours instanceof DnsAnswer.TemporaryFailure<InetAddress> t) {
                    return error(record, expected, t.reason());
                }
                List<String> published = theirs.values().stream().map(InetAddress::getHostAddress).toList();
                if (published.isEmpty()) {
                    return new RecordCheck(record, RecordCheck.Status.MISSING, List.of(), expected,
                            "no CNAME or address records at " + record.name());
                }
                boolean same = !ours.values().isEmpty() && new HashSet<>(theirs.values()).equals(new HashSet<>(ours.values()));
                return same ? found(record, published, expected, "the same addresses as " + hostname)
                        : new RecordCheck(record, RecordCheck.Status.DIFFERENT, published, expected,
                        "addresses other than " + hostname + "'s");
            });
        });
    }

    // ---- helpers

    /** The check's result for every answer but Found; null for Found (the caller compares). */
    private static <T> RecordCheck notFound(DnsRecords.Record record, DnsAnswer<T> answer, String expected, String nothing) {
        if (answer instanceof DnsAnswer.TemporaryFailure<T> t) {
            return error(record, expected, t.reason());
        }
        if (answer instanceof DnsAnswer.Found<T>) {
            return null;
        }
        String why = answer instanceof DnsAnswer.NoSuchDomain<T> ? record.name() + " does not exist" : nothing + " at " + record.name();
        return new RecordCheck(record, RecordCheck.Status.MISSING, List.of(), expected, why);
    }

    private static RecordCheck found(DnsRecords.Record record, List<String> published, String expected, String detail) {
        return new RecordCheck(record, RecordCheck.Status.FOUND, published, expected, detail);
    }

    private static RecordCheck error(DnsRecords.Record record, String expected, String reason) {
        return new RecordCheck(record, RecordCheck.Status.ERROR, List.of(), expected, reason);
    }

    private static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }

    /** A tag's value in a tag list ({@code v=DKIM1; k=rsa; p=…}, RFC 6376 §3.2), whitespace removed; "" when absent. */
    static String tag(String text, String name) {
        for (String part : text.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).trim().equalsIgnoreCase(name)) {
                return part.substring(eq + 1).replaceAll("\\s+", "");
            }
        }
        return "";
    }

    private static String normalize(Name name) {
        return normalize(name.toString());
    }

    /** Lower case without the final dot; "." becomes "". */
    static String normalize(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }
}
