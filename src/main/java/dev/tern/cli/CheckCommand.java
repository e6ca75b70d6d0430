package dev.tern.cli;

import dev.tern.acme.AcmeCertificates;
import dev.tern.config.ConfigException;
import dev.tern.config.ListenAddress;
import dev.tern.config.ReportSettings;
import dev.tern.config.Sizes;
import dev.tern.config.TernConfig;
import dev.tern.directory.Directory;
import dev.tern.directory.DnsRecords;
import dev.tern.delivery.dane.DaneHost;
import dev.tern.delivery.dane.DaneVerifier;
import dev.tern.delivery.dane.Tlsa;
import dev.tern.directory.Resolution;
import dev.tern.dns.DnsAnswer;
import dev.tern.dns.DnsResolver;
import dev.tern.dns.ValidatedAnswer;
import dev.tern.mail.IpAddresses;
import dev.tern.mail.IpNetwork;
import dev.tern.mail.MailAddress;
import dev.tern.net.UnixSocketFiles;
import dev.tern.net.tls.PemCredentials;
import dev.tern.net.tls.SelfSignedCredentials;
import dev.tern.onboarding.RecordCheck;
import dev.tern.onboarding.VerificationReport;
import dev.tern.server.Services;
import dev.tern.sieve.SieveEngine;
import dev.tern.sieve.SieveScriptException;
import dev.tern.store.Rows;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.Type;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * {@code tern check}: what an operator runs after editing the configuration or DNS, like
 * {@code postfix check} and {@code doveconf -n} together. One line per finding, {@code ok},
 * {@code warn} or {@code FAIL}; the exit code is 1 when anything failed. Nothing is started; each
 * listener's address is bound for a moment and let go, so it can run beside a running server.
 */
@Command(name = "check", description = "Check the configuration, the listeners' ports, the data directory and store, "
        + "the TLS certificate and the DNS records of every local domain; say what is wrong. Exits with 1 when "
        + "something is.",
        mixinStandardHelpOptions = true)
final class CheckCommand implements Callable<Integer> {

    /** A certificate that expires sooner than this is worth a warning (Let's Encrypt renews at 30 days). */
    static final Duration EXPIRY_WARNING = Duration.ofDays(14);

    @Mixin
    ConfigOption config;

    @Option(names = "--no-dns", description = "Skip the DNS records (for a host without DNS, or one not yet published).")
    boolean noDns;

    @Spec
    CommandSpec spec;

    /** The findings, printed as they come. */
    private static final class Findings {
        private final PrintWriter out;
        int failures;
        int warnings;

        Findings(PrintWriter out) {
            this.out = out;
        }

        void ok(String what, String detail) {
            line("ok", what, detail);
        }

        void warn(String what, String detail) {
            warnings++;
            line("warn", what, detail);
        }

        void fail(String what, String detail) {
            failures++;
            line("FAIL", what, detail);
        }

        void more(String detail) {
            out.println(" ".repeat(17) + detail);
        }

        private void line(String status, String what, String detail) {
            out.println(String.format("%-4s  %-10s %s", status, what, detail));
            out.flush();
        }
    }

    @Override
    public Integer call() {
        Findings f = new Findings(spec.commandLine().getOut());
        Path file = config.path();
        TernConfig c;
        try {
            c = config.load();
        } catch (ConfigException e) {
            f.fail("config", e.getMessage());
            return 1;
        }
        f.ok("config", file + ": hostname " + c.hostname());
        if (!isPublicName(c.hostname())) {
            f.warn("hostname", "\"" + c.hostname() + "\" is not a name other servers can look up: they may refuse "
                    + "mail that Tern sends with it (RFC 5321 asks for a fully qualified EHLO name), and an MX record "
                    + "cannot point at it; set hostname = \"mail.example.org\" (a name with an A or AAAA record)");
        }
        checkListeners(c, f);
        checkLmtp(c, f);
        checkGlobalSieveScripts(c, f);
        checkMilters(c, f);
        checkDataDir(c, f);
        checkTls(c, f);
        try (Services s = new Services(c, 1)) {
            List<Rows.Domain> domains = s.directory().domains();
            f.ok("store", c.store().metadata().name().toLowerCase(Locale.ROOT) + " metadata, "
                    + c.store().blobs().name().toLowerCase(Locale.ROOT) + " contents: " + count(domains.size(), "domain"));
            if (domains.isEmpty()) {
                f.warn("domains", "no local domain: add one with tern domain add DOMAIN");
            } else {
                checkPostmaster(c, s.directory(), domains, f);
            }
            checkReportSigning("tls report", c.delivery().tlsReports(), s, f);
            checkReportSigning("dmarc rpt", c.checks().dmarcReports(), s, f);
            if (!noDns && isPublicName(c.hostname())) {
                checkHostnameDns(c.hostname(), s.checkResolver(), f);
            }
            if (!noDns && c.delivery().dane()) {
                checkDnssec(c, s.checkResolver(), f);
            }
            if (!noDns && isPublicName(c.hostname())) {
                checkOwnTlsa(c, s.checkResolver(), f);
            }
            if (!noDns && c.acme() != null) {
                checkAcmeNames(c, s.checkResolver(), f);
                if (c.acme().domainNames()) {
                    checkAcmeDomainNames(c, domains, s.checkResolver(), f);
                }
            }
            if (!domains.isEmpty() && !noDns) {
                for (Rows.Domain d : domains) {
                    checkDns(s, d.name(), f);
                }
            }
        } catch (RuntimeException e) {
            f.fail("store", e.getMessage());
        }
        f.out.println();
        f.out.println(f.failures == 0 && f.warnings == 0 ? "everything checked is right"
                : count(f.failures, "problem") + ", " + count(f.warnings, "warning"));
        return f.failures == 0 ? 0 : 1;
    }

    /**
     * RFC 5321 §4.5.1: every domain, and the host (a bare {@code RCPT TO:<Postmaster>}), must take
     * mail for postmaster. A fresh server has neither the account nor the setting.
     */
    private static void checkPostmaster(TernConfig c, Directory directory, List<Rows.Domain> domains, Findings f) {
        if (c.postmaster() != null && !delivered(directory, c.postmaster())) {
            f.fail("postmaster", "postmaster = \"" + c.postmaster() + "\" is not a local account or alias, so it "
                    + "receives nothing (aliases and this setting deliver to local accounts only)");
        }
        List<String> refused = new ArrayList<>();
        for (Rows.Domain d : domains) {
            if (!delivered(directory, "postmaster@" + d.name())) {
                refused.add("postmaster@" + d.name());
            }
        }
        if (!delivered(directory, "postmaster@" + c.hostname())) {
            refused.add("<Postmaster> (postmaster@" + c.hostname() + ")");
        }
        if (refused.isEmpty()) {
            f.ok("postmaster", "postmaster@ every local domain and a bare <Postmaster> are delivered");
        } else {
            f.warn("postmaster", "mail to " + String.join(", ", refused) + " is refused; RFC 5321 requires a postmaster: "
                    + "set postmaster = \"you@" + domains.get(0).name() + "\" in the config, or add an alias");
        }
    }

    /**
     * TLS and DMARC reports go out signed with the DKIM key of their {@code from} domain (RFC 8460
     * §5.3 asks it); receivers may drop an unsigned one.
     */
    private static void checkReportSigning(String what, ReportSettings reports, Services s, Findings f) {
        if (!reports.enabled()) {
            return;
        }
        String from = reports.from();
        String domain = MailAddress.parse(from).asciiDomain();
        if (!s.directory().isLocalDomain(domain)) {
            f.warn(what, "reports come from " + from + ", whose domain is not local: they go out without a "
                    + "DKIM signature, which their receivers may require; use an address of a local domain");
        } else if (s.dkimKeys().keys(domain).isEmpty()) {
            f.warn(what, "reports come from " + from + ", but " + domain + " has no DKIM key: they go out "
                    + "unsigned; make keys with tern domain dkim " + domain + " --generate");
        } else {
            f.ok(what, "sent daily from " + from + ", signed for " + domain);
        }
    }

    /** A fully qualified name outside the names reserved for local use (RFC 6761, RFC 6762). */
    static boolean isPublicName(String hostname) {
        String h = hostname.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h.contains(".") && !h.equals("localhost.localdomain") && !h.endsWith(".localhost")
                && !h.endsWith(".local") && !h.endsWith(".localdomain");
    }

    private static boolean delivered(Directory directory, String address) {
        try {
            return directory.resolve(MailAddress.parse(address)) instanceof Resolution.Local;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String count(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }

    /**
     * Each listener's address can be bound by this user now: a port another program holds (the
     * Postfix or Exim a fresh host runs on port 25) or one below 1024 without the privilege is
     * what stops a first start. A port held by a running Tern is said to be so.
     */
    private static void checkListeners(TernConfig c, Findings f) {
        List<String[]> inUse = new ArrayList<>();   // listener name, address, host to connect to, port
        for (String name : TernConfig.LISTENER_NAMES) {
            for (ListenAddress a : c.listener(name)) {
                String where = name + " " + a;
                if (a.isUnix()) {
                    checkUnixSocket(where, a, f);
                    continue;
                }
                try (ServerSocket s = new ServerSocket()) {
                    s.bind(new InetSocketAddress(a.host(), a.port()));
                    f.ok("listen", where + ": free");
                } catch (BindException e) {
                    String reason = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
                    if (reason.contains("permission denied") || reason.contains("access denied")) {
                        f.fail("listen", where + ": this user may not bind ports below 1024 (run as root, or give "
                                + "Java CAP_NET_BIND_SERVICE as docs/deployment.md does)");
                    } else if (reason.contains("in use")) {
                        String host = a.host().equals("0.0.0.0") || a.host().equals("::") ? "127.0.0.1" : a.host();
                        inUse.add(new String[]{name, where, host, String.valueOf(a.port())});
                    } else {
                        f.fail("listen", where + ": " + e.getMessage());
                    }
                } catch (IOException | RuntimeException e) {
                    f.fail("listen", where + ": " + e.getMessage());
                }
            }
        }
        // Ports in use: an SMTP port that greets as Tern says that Tern runs, and then holds the others.
        List<String> greetings = new ArrayList<>();
        boolean ternRuns = false;
        for (String[] u : inUse) {
            String greeting = TernConfig.SMTP_LISTENERS.contains(u[0]) && !u[0].equals("submissions")
                    ? greeting(u[2], Integer.parseInt(u[3])) : null;
            greetings.add(greeting);
            ternRuns |= greeting != null && greeting.contains("ESMTP Tern");
        }
        for (int i = 0; i < inUse.size(); i++) {
            String where = inUse.get(i)[1];
            String greeting = greetings.get(i);
            if (greeting != null && !greeting.contains("ESMTP Tern")) {
                f.fail("listen", where + ": in use by another program, which greets with \"" + greeting.strip()
                        + "\" (stop it, or choose another address)");
            } else if (ternRuns) {
                f.ok("listen", where + ": in use by Tern, which is running");
            } else {
                f.warn("listen", where + ": in use (by Tern if it is running; else stop the program that holds it)");
            }
        }
    }

    /**
     * A Unix socket's path: free, or a stale socket the start removes; another process's socket
     * or a file in the way stop the start.
     */
    private static void checkUnixSocket(String where, ListenAddress a, Findings f) {
        UnixSocketFiles.State state = UnixSocketFiles.state(a.socket());
        switch (state) {
            case FREE, STALE -> f.ok("listen", where + ": " + state.description());
            case SERVED -> f.warn("listen", where + ": in use (by Tern if it is running; else stop the program "
                    + "that holds it)");
            default -> f.fail("listen", where + ": " + state.description());
        }
    }

    /** The first line an SMTP server on this address sends, or null when none comes within two seconds. */
    private static String greeting(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 2_000);
            s.setSoTimeout(2_000);
            return new BufferedReader(new InputStreamReader(s.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The operator's global Sieve scripts ({@code include :global}): each file checked as a stored
     * script is, since one that is not valid fails every delivery whose script includes it.
     */
    private static void checkGlobalSieveScripts(TernConfig c, Findings f) {
        Path dir = c.sieve().globalDir();
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> files;
        try (var list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".sieve")).sorted().toList();
        } catch (IOException e) {
            f.warn("sieve", dir + ": cannot list the global scripts (" + e.getMessage() + ")");
            return;
        }
        SieveEngine engine = new SieveEngine();
        int valid = 0;
        for (Path file : files) {
            try {
                engine.check(Files.readString(file, StandardCharsets.UTF_8));
                valid++;
            } catch (SieveScriptException e) {
                f.fail("sieve", file + ": " + e.describe() + " (scripts that include it keep their mail instead)");
            } catch (IOException e) {
                f.fail("sieve", file + ": cannot be read (" + e.getMessage() + ")");
            }
        }
        if (valid > 0) {
            f.ok("sieve", count(valid, "global script") + " in " + dir);
        }
    }

    /**
     * Each milter of {@code [milter] servers} is connected to and asked for its options, as a
     * session would: one that does not answer defers (or refuses) mail on the filtered listeners.
     */
    private static void checkMilters(TernConfig c, Findings f) {
        if (!c.milter().enabled()) {
            return;
        }
        Path spool = c.dataDir().resolve("spool").resolve("milter");
        try (dev.tern.milter.MilterClient client = new dev.tern.milter.MilterClient(c.milter(), c.hostname(), spool)) {
            for (dev.tern.milter.MilterClient.Probe p : client.probe()) {
                if (p.answered()) {
                    f.ok("milter", p.endpoint() + ": " + p.detail());
                } else {
                    f.fail("milter", p.endpoint() + ": " + p.detail() + switch (c.milter().onFailure()) {
                        case ACCEPT -> " (mail goes on without it: on_failure = \"accept\")";
                        case TEMPFAIL -> " (mail of the " + String.join(", ", c.milter().listeners())
                                + " listeners is deferred while it fails)";
                        case REJECT -> " (mail of the " + String.join(", ", c.milter().listeners())
                                + " listeners is refused while it fails)";
                    });
                }
            }
        } catch (ConfigException e) {
            f.fail("milter", e.getMessage());
        }
    }

    /**
     * LMTP delivers into every mailbox without authentication or checks, so who may connect
     * ({@code [lmtp] allow_from}) is its only guard: networks on the Internet there are a hole, and
     * none at all leaves the listener useless. On a Unix socket the file's permissions are the
     * guard: one every local user may write to lets any of them deliver anything.
     */
    private static void checkLmtp(TernConfig c, Findings f) {
        List<ListenAddress> addresses = c.listener(TernConfig.LMTP_LISTENER);
        if (addresses.stream().anyMatch(ListenAddress::isUnix)) {
            String mode = java.nio.file.attribute.PosixFilePermissions.toString(c.lmtp().socketMode());
            if (c.lmtp().socketMode().contains(java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE)) {
                f.warn("lmtp", "lmtp.socket_mode " + mode + " lets every local user put mail into every mailbox "
                        + "through the Unix socket; give it to the MTA's group instead (\"0660\")");
            } else {
                f.ok("lmtp", "Unix socket with permissions " + mode);
            }
        }
        if (addresses.stream().allMatch(ListenAddress::isUnix)) {
            return;
        }
        List<String> allowed = c.lmtp().allowFrom().entries();
        if (allowed.isEmpty()) {
            f.warn("lmtp", "lmtp.allow_from is empty: every client of the lmtp listener is refused");
            return;
        }
        List<String> open = allowed.stream().filter(n -> {
            IpNetwork network = IpNetwork.parse(n);
            return network.prefixLength() == 0 || !IpAddresses.isPrivate(network.address());
        }).toList();
        if (!open.isEmpty()) {
            f.warn("lmtp", "lmtp.allow_from has " + String.join(", ", open) + ": clients there may put mail into "
                    + "every mailbox without authentication or checks; list only the hosts of the MTA in front");
        } else {
            f.ok("lmtp", "clients from " + String.join(", ", allowed));
        }
    }

    /** The data directory exists (or can be made) and its file system keeps SMTP's reserve. */
    private static void checkDataDir(TernConfig c, Findings f) {
        Path dir = c.dataDir();
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
            f.fail("data_dir", dir + " cannot be made or written to by this user");
            return;
        }
        long free;
        try {
            free = Files.getFileStore(existing).getUsableSpace();
        } catch (IOException e) {
            f.warn("data_dir", dir + ": cannot read the free space (" + e.getMessage() + ")");
            return;
        }
        String where = dir + (existing.equals(dir) ? "" : " (made at the first start)");
        long reserve = c.smtp().minFreeSpace();
        if (free < reserve) {
            f.fail("data_dir", where + ": " + Sizes.format(free) + " free, less than [smtp] min_free_space (" + Sizes.format(reserve)
                    + "): new mail is refused with 452 4.3.1");
        } else {
            f.ok("data_dir", where + ": " + Sizes.format(free) + " free");
        }
    }

    /** The certificate and key load, match, are valid now and for a while, and name the host name. */
    private static void checkTls(TernConfig c, Findings f) {
        if (c.acme() != null) {
            checkAcme(c, f);
            return;
        }
        if (c.tls().cert() == null) {
            f.warn("tls", "no [tls] cert and key: a self-signed certificate for " + c.hostname()
                    + " is used; other mail servers accept it, mail programs warn their users");
            return;
        }
        X509Certificate leaf;
        try {
            leaf = PemCredentials.load(c.tls().cert(), c.tls().key(), "tls.cert", "tls.key").leaf();
        } catch (ConfigException e) {
            f.fail("tls", e.getMessage());
            return;
        }
        Instant now = Instant.now();
        Instant notAfter = leaf.getNotAfter().toInstant();
        String subject = leaf.getSubjectX500Principal().getName();
        if (now.isAfter(notAfter)) {
            f.fail("tls", c.tls().cert() + ": " + subject + " expired " + notAfter);
        } else if (now.isBefore(leaf.getNotBefore().toInstant())) {
            f.fail("tls", c.tls().cert() + ": " + subject + " is not valid before " + leaf.getNotBefore().toInstant());
        } else if (notAfter.isBefore(now.plus(EXPIRY_WARNING))) {
            f.warn("tls", c.tls().cert() + ": " + subject + " expires " + notAfter + " (renew it: Tern reloads the files)");
        } else {
            f.ok("tls", c.tls().cert() + ": " + subject + ", valid until " + notAfter);
        }
        List<String> names = PemCredentials.dnsNames(leaf);
        if (names.stream().noneMatch(n -> covers(n, c.hostname()))) {
            f.warn("tls", "the certificate does not name " + c.hostname() + " (it names " + String.join(", ", names)
                    + "): mail programs that check it will refuse it");
        }
    }

    /**
     * The ACME certificate: whether Tern has one and whether it will order another, and whether the
     * CA's checks can reach the autoconfig listener on port 80.
     */
    private static void checkAcme(TernConfig c, Findings f) {
        dev.tern.config.AcmeSettings acme = c.acme();
        java.nio.file.Path cert = dev.tern.acme.AcmeCertificates.certFile(c.dataDir());
        java.nio.file.Path key = dev.tern.acme.AcmeCertificates.keyFile(c.dataDir());
        X509Certificate leaf = null;
        if (java.nio.file.Files.exists(cert)) {
            try {
                leaf = PemCredentials.load(cert, key, cert.toString(), key.toString()).leaf();
            } catch (ConfigException e) {
                f.warn("acme", e.getMessage() + "; Tern orders a new certificate when it starts");
            }
        }
        String why = dev.tern.acme.AcmeCertificates.whyNeeded(leaf, acme.names(), acme.renewBefore(), Instant.now());
        if (leaf == null) {
            f.warn("acme", "no certificate from " + acme.directory() + " yet: Tern orders one for "
                    + String.join(", ", acme.names()) + " when it starts, and serves a self-signed one meanwhile");
        } else if (why != null) {
            f.warn("acme", why + ": Tern orders a new certificate at start and every hour until it has one");
        } else {
            f.ok("acme", String.join(", ", acme.names()) + ": issued by " + leaf.getIssuerX500Principal().getName()
                    + ", valid until " + leaf.getNotAfter().toInstant() + ", renewed by Tern");
        }
        if (!acme.names().contains(c.hostname().toLowerCase(java.util.Locale.ROOT))) {
            f.warn("acme", "acme.names leaves out the hostname " + c.hostname()
                    + ": mail programs and MTA-STS senders that check the certificate will refuse it");
        }
        for (dev.tern.config.ListenAddress a : c.listener("autoconfig")) {
            if (a.port() != 80) {
                f.warn("acme", "the CA checks names on port 80, and the autoconfig listener is on " + a
                        + ": forward port 80 to it");
            }
        }
    }

    /** RFC 6125 §6.4: an exact name, or a wildcard standing for exactly the left-most label. */
    static boolean covers(String certName, String host) {
        String n = certName.toLowerCase(Locale.ROOT);
        String h = host.toLowerCase(Locale.ROOT);
        if (n.startsWith("*.")) {
            int dot = h.indexOf('.');
            return dot > 0 && h.substring(dot).equals(n.substring(1));
        }
        return n.equals(h);
    }

    /**
     * The host name's addresses, and their PTR records: MX records point at the name, and large mail
     * providers refuse mail from an address whose PTR does not name a host that resolves back to it.
     */
    /**
     * DANE trusts the resolver's AD bit: one that does not validate leaves every signed domain's
     * TLSA records unused. The root zone is signed, so a validating resolver marks its SOA so.
     */
    private static void checkDnssec(TernConfig c, DnsResolver dns, Findings f) {
        String servers = c.dns().nameservers().isEmpty() ? "the resolvers of /etc/resolv.conf"
                : "the resolver at " + c.dns().nameservers().stream()
                        .map(a -> (a.getHostString().contains(":") ? "[" + a.getHostString() + "]" : a.getHostString())
                                + ":" + a.getPort())
                        .collect(Collectors.joining(", "));
        ValidatedAnswer root = dns.validated(".", Type.SOA).join();
        if (root.answer() instanceof DnsAnswer.TemporaryFailure<?> t) {
            f.warn("dnssec", "cannot tell whether " + servers + " validates DNSSEC: " + t.reason());
        } else if (root.secure()) {
            f.ok("dnssec", servers + " validates DNSSEC: DANE protects mail to signed domains");
        } else {
            f.warn("dnssec", servers + " does not validate DNSSEC (no AD bit on the root zone's SOA), so DANE "
                    + "protects no mail; run a validating resolver (apt install unbound) and name it in [dns] nameservers, "
                    + "or set [delivery] dane = false");
        }
    }

    /**
     * DANE for mail to this server (RFC 7672): TLSA records at {@code _25._tcp.<hostname>} that
     * no longer match the certificate Tern serves make every sender that uses DANE keep its mail
     * back, which nothing else would show. Without records, the one to publish is said.
     */
    private static void checkOwnTlsa(TernConfig c, DnsResolver dns, Findings f) {
        String owner = "_25._tcp." + c.hostname();
        List<X509Certificate> chain = servedChain(c);
        if (chain == null) {
            f.ok("dane", "no certificate yet to compare with TLSA records at " + owner + " (Tern makes or orders "
                    + "one when it starts)");
            return;
        }
        String record = new Tlsa(3, 1, 1, sha256(chain.get(0).getPublicKey().getEncoded()))
                .toString();
        ValidatedAnswer answer = dns.validated(owner, Type.TLSA).join();
        if (answer.answer() instanceof DnsAnswer.TemporaryFailure<?> t) {
            f.warn("dane", "cannot look up TLSA records at " + owner + ": " + t.reason());
            return;
        }
        if (!(answer.answer() instanceof DnsAnswer.Found<?> found)) {
            f.ok("dane", "no TLSA record at " + owner + " (optional; with a DNSSEC-signed zone, publish "
                    + owner + ". IN TLSA " + record + ")");
            return;
        }
        List<Tlsa> records = found.values().stream()
                .map(r -> Tlsa.of((TLSARecord) r)).toList();
        List<Tlsa> usable = records.stream().filter(Tlsa::usable).toList();
        Optional<DaneVerifier.Mismatch> mismatch = usable.isEmpty()
                ? Optional.of(new DaneVerifier.Mismatch("", "none of them is of a kind "
                        + "SMTP uses (3 x x or 2 x x)"))
                : DaneVerifier.check(chain, new DaneHost.Authenticated(
                        c.hostname(), usable, Set.of(c.hostname())), Instant.now());
        if (mismatch.isPresent()) {
            f.fail("dane", "the TLSA records at " + owner + " do not match the certificate Tern serves ("
                    + mismatch.get().reason() + "): servers that use DANE keep all mail to this server back; publish "
                    + owner + ". IN TLSA " + record + " and remove the others");
        } else if (!answer.secure()) {
            f.warn("dane", "the TLSA records at " + owner + " match the certificate, but are not DNSSEC-validated "
                    + "(the zone is not signed, or the resolver does not validate): senders ignore them");
        } else if (c.acme() != null && !c.acme().reuseKey()
                && usable.stream().allMatch(r -> r.usage() == Tlsa.DANE_EE)) {
            f.warn("dane", "the TLSA records at " + owner + " match the certificate, but [acme] reuse_key = false "
                    + "gives the next certificate a new key that they will not match");
        } else {
            f.ok("dane", "the TLSA records at " + owner + " match the certificate Tern serves, DNSSEC-validated");
        }
    }

    /** The chain Tern presents: the ACME certificate, the configured one, or the self-signed one; null before there is one. */
    private static List<X509Certificate> servedChain(TernConfig c) {
        PemCredentials pem = null;
        try {
            if (c.acme() != null && Files.exists(AcmeCertificates.certFile(c.dataDir()))) {
                Path cert = AcmeCertificates.certFile(c.dataDir());
                Path key = AcmeCertificates.keyFile(c.dataDir());
                pem = PemCredentials.load(cert, key, cert.toString(), key.toString());
            } else if (c.acme() == null && c.tls().cert() != null) {
                pem = PemCredentials.load(c.tls().cert(), c.tls().key(), "tls.cert", "tls.key");
            } else {
                pem = SelfSignedCredentials.existing(c.dataDir().resolve("tls"));
            }
        } catch (ConfigException e) {
            return null;   // said by the tls or acme finding
        }
        return pem == null ? null : pem.chain();
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void checkHostnameDns(String host, DnsResolver dns, Findings f) {
        try {
            DnsAnswer<InetAddress> addresses = dns.addresses(host).get(1, TimeUnit.MINUTES);
            if (addresses instanceof DnsAnswer.TemporaryFailure<InetAddress> t) {
                f.warn("hostname", host + ": not checked (" + t.reason() + ")");
                return;
            }
            if (!(addresses instanceof DnsAnswer.Found<InetAddress> found)) {
                f.fail("hostname", host + " has no A or AAAA record: the MX records point at it, so other servers "
                        + "cannot reach Tern; publish " + host + ". IN A with this server's address");
                return;
            }
            for (InetAddress a : found.values()) {
                String ip = IpAddresses.format(a);
                if (IpAddresses.isPrivate(a)) {
                    f.warn("hostname", host + " resolves to " + ip + ", a private address other servers cannot reach");
                    continue;
                }
                DnsAnswer<String> names = dns.hostnames(a).get(1, TimeUnit.MINUTES);
                if (names instanceof DnsAnswer.TemporaryFailure<String> t) {
                    f.warn("hostname", ip + ": PTR not checked (" + t.reason() + ")");
                } else if (!(names instanceof DnsAnswer.Found<String> ptr)) {
                    f.warn("hostname", ip + " (" + host + ") has no PTR record: Gmail, Outlook and others refuse mail "
                            + "from it; ask whoever runs the address (the hosting provider) to set its PTR to " + host);
                } else if (ptr.values().stream().noneMatch(n -> n.equalsIgnoreCase(host))) {
                    f.warn("hostname", ip + " (" + host + ") has the PTR " + String.join(", ", ptr.values())
                            + ", not " + host + ": receivers that compare them may refuse mail; ask whoever runs "
                            + "the address to set its PTR to " + host);
                } else {
                    f.ok("hostname", host + ": " + ip + ", whose PTR names it back");
                }
            }
        } catch (ExecutionException e) {
            f.warn("hostname", host + ": not checked (" + e.getCause().getMessage() + ")");
        } catch (Exception e) {
            f.warn("hostname", host + ": not checked (" + e.getMessage() + ")");
        }
    }

    /**
     * Each name of {@code [acme] names} resolves where the host name does: the CA's checks go to
     * the addresses of the name, and one name it cannot check makes the whole order fail.
     */
    private static void checkAcmeNames(TernConfig c, DnsResolver dns, Findings f) {
        java.util.Set<InetAddress> host = new java.util.HashSet<>(addressesOf(c.hostname(), dns));
        for (String name : c.acme().names()) {
            List<InetAddress> found;
            try {
                DnsAnswer<InetAddress> answer = dns.addresses(name).get(1, TimeUnit.MINUTES);
                if (answer instanceof DnsAnswer.TemporaryFailure<InetAddress> t) {
                    f.warn("acme", name + ": not checked (" + t.reason() + ")");
                    continue;
                }
                found = answer instanceof DnsAnswer.Found<InetAddress> a ? a.values() : List.of();
            } catch (Exception e) {
                f.warn("acme", name + ": not checked (" + e.getMessage() + ")");
                continue;
            }
            if (found.isEmpty()) {
                f.fail("acme", name + " has no A or AAAA record: the CA cannot check it, and no certificate is issued "
                        + "while it is in acme.names; publish it (a CNAME to " + c.hostname() + ") or take it out");
            } else if (!host.isEmpty() && !host.containsAll(found)) {
                f.warn("acme", name + " resolves to " + found.stream().map(IpAddresses::format).toList()
                        + ", not only to the addresses of " + c.hostname() + ": the CA's checks there must reach Tern");
            }
        }
    }

    /**
     * The names of the local domains the certificate takes once their DNS points here
     * ({@code [acme] domain_names}): those ready and not yet covered are ordered at the next look,
     * those waiting are said, with what to publish.
     */
    private static void checkAcmeDomainNames(TernConfig c, List<Rows.Domain> domains, DnsResolver dns, Findings f) {
        dev.tern.acme.DomainNames.Split split = new dev.tern.acme.DomainNames(
                () -> domains.stream().map(Rows.Domain::name).toList(), dns, c.hostname(), c.mtaStsPolicy() != null,
                !c.listener("autoconfigs").isEmpty()).split();
        if (!split.waiting().isEmpty()) {
            f.warn("acme", "not in the certificate until their DNS points at " + c.hostname() + ": "
                    + String.join(", ", split.waiting()) + " (publish the CNAMEs that tern domain show prints)");
        }
        java.nio.file.Path cert = dev.tern.acme.AcmeCertificates.certFile(c.dataDir());
        List<String> covered = List.of();
        if (java.nio.file.Files.exists(cert)) {
            try {
                covered = PemCredentials.dnsNames(PemCredentials.readCertificates(cert, cert.toString()).get(0)).stream()
                        .map(n -> n.toLowerCase(Locale.ROOT)).toList();
            } catch (ConfigException e) {
                // said by checkAcme
            }
        }
        List<String> inCertificate = covered;
        List<String> toAdd = split.ready().stream().filter(n -> !inCertificate.contains(n)).toList();
        if (!toAdd.isEmpty()) {
            f.warn("acme", String.join(", ", toAdd) + " now point here: Tern adds them to the certificate at its next "
                    + "look (within an hour)");
        } else if (!split.ready().isEmpty()) {
            f.ok("acme", "the certificate covers " + String.join(", ", split.ready()));
        }
    }

    private static List<InetAddress> addressesOf(String name, DnsResolver dns) {
        try {
            return dns.addresses(name).get(1, TimeUnit.MINUTES) instanceof DnsAnswer.Found<InetAddress> a ? a.values()
                    : List.of();
        } catch (Exception e) {
            return List.of();
        }
    }

    /** The records {@code tern domain verify} checks, one line per domain and one more per record to fix. */
    private static void checkDns(Services s, String domain, Findings f) {
        VerificationReport report;
        try {
            report = s.onboarding().verify(domain).get(2, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            f.warn("dns", domain + ": not checked (" + e.getCause().getMessage() + ")");
            return;
        } catch (Exception e) {
            f.warn("dns", domain + ": not checked (" + e + ")");
            return;
        }
        List<RecordCheck> wrong = report.checks().stream()
                .filter(c -> c.status() == RecordCheck.Status.MISSING || c.status() == RecordCheck.Status.DIFFERENT)
                .toList();
        List<RecordCheck> unknown = report.checks().stream().filter(c -> c.status() == RecordCheck.Status.ERROR).toList();
        long found = report.count(RecordCheck.Status.FOUND);
        if (!wrong.isEmpty()) {
            f.fail("dns", domain + ": " + found + " of " + report.checks().size() + " records published as expected");
            for (RecordCheck c : wrong) {
                DnsRecords.Record r = c.record();
                f.more(c.status().word() + " " + r.purpose() + ": publish " + r.zoneLine());
            }
        } else if (!unknown.isEmpty()) {
            f.warn("dns", domain + ": DNS did not answer for " + unknown.size() + " of " + report.checks().size()
                    + " records; try again later");
        } else {
            f.ok("dns", domain + ": all " + found + " records published as expected");
        }
    }
}
