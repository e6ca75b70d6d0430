package dev.tern.cli;

import dev.tern.testing.InProcessCli;
import dev.tern.testing.InProcessCli.Result;
import dev.tern.testing.TestCertificates;
import dev.tern.testing.TestDnsServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tern check}: one line per finding, exit code 1 when something is wrong. */
class CheckCommandTest {

    @TempDir
    Path dir;
    Path config;

    int smtpPort;

    @BeforeEach
    void init() throws Exception {
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            smtpPort = free.getLocalPort();
        }
        config = dir.resolve("tern.toml");
        Result init = InProcessCli.run(config, null, "init", "--smtp", "127.0.0.1:" + smtpPort, "--hostname",
                "mx.example.test", "--domain", "example.org");
        assertThat(init.code()).as(init.err()).isZero();
    }

    /** Holds the SMTP port and greets whoever connects with {@code greeting}. */
    private Thread greeter(ServerSocket held, String greeting) {
        Thread t = new Thread(() -> {
            try (Socket s = held.accept()) {
                s.getOutputStream().write((greeting + "\r\n").getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                s.getInputStream().read();
            } catch (Exception e) {
                // the check is over
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void aPortHeldByAnotherProgramIsSaidWithItsGreeting() throws Exception {
        ServerSocket imap = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        int imapPort = imap.getLocalPort();
        Files.writeString(config, Files.readString(config).replace("# imap = [\"0.0.0.0:143\"]",
                "imap = [\"127.0.0.1:" + imapPort + "\"]"));
        imap.close();
        assertThat(check("--no-dns").out()).contains("ok    listen     smtp 127.0.0.1:" + smtpPort + ": free\n")
                .contains("ok    listen     imap 127.0.0.1:" + imapPort + ": free\n");
        try (ServerSocket held = new ServerSocket(smtpPort, 5, InetAddress.getLoopbackAddress());
             ServerSocket heldImap = new ServerSocket(imapPort, 5, InetAddress.getLoopbackAddress())) {
            greeter(held, "220 mx.example.test ESMTP Postfix (Debian/GNU)");
            Result r = check("--no-dns");
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.out()).contains("FAIL  listen     smtp 127.0.0.1:" + smtpPort + ": in use by another program, "
                    + "which greets with \"220 mx.example.test ESMTP Postfix (Debian/GNU)\" (stop it, or choose another address)")
                    .contains("warn  listen     imap 127.0.0.1:" + imapPort + ": in use (by Tern if it is running; "
                            + "else stop the program that holds it)");
        }
        try (ServerSocket held = new ServerSocket(smtpPort, 5, InetAddress.getLoopbackAddress());
             ServerSocket heldImap = new ServerSocket(imapPort, 5, InetAddress.getLoopbackAddress())) {
            greeter(held, "220 mx.example.test ESMTP Tern");
            Result r = check("--no-dns");
            assertThat(r.code()).isZero();
            assertThat(r.out()).contains("ok    listen     smtp 127.0.0.1:" + smtpPort + ": in use by Tern, which is running")
                    .contains("ok    listen     imap 127.0.0.1:" + imapPort + ": in use by Tern, which is running")
                    .endsWith("0 problems, 2 warnings\n");
        }
    }

    private Result check(String... more) {
        String[] args = new String[more.length + 1];
        args[0] = "check";
        System.arraycopy(more, 0, args, 1, more.length);
        return InProcessCli.run(config, null, args);
    }

    private void append(String toml) throws Exception {
        Files.writeString(config, Files.readString(config) + "\n" + toml);
    }

    @Test
    void aFreshConfigIsRightButForItsSelfSignedCertificateAndItsPostmaster() {
        Result r = check("--no-dns");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("ok    config     " + config + ": hostname mx.example.test\n")
                .containsPattern("ok    data_dir   " + java.util.regex.Pattern.quote(dir.resolve("data").toString())
                        + ": [0-9.]+ [KMGT]?B free\n")
                .contains("warn  tls        no [tls] cert and key: a self-signed certificate for mx.example.test is used")
                .contains("ok    store      embedded metadata, files contents: 1 domain\n")
                .contains("warn  postmaster mail to postmaster@example.org, <Postmaster> (postmaster@mx.example.test) "
                        + "is refused; RFC 5321 requires a postmaster: set postmaster = \"you@example.org\" in the "
                        + "config, or add an alias\n")
                .endsWith("\n0 problems, 2 warnings\n");
    }

    @Test
    void theLmtpListenerIsSaidToBeOpenToTheNetworksItAllows() throws Exception {
        assertThat(check("--no-dns").out()).doesNotContain("lmtp");
        Files.writeString(config, Files.readString(config).replace("# lmtp = [\"127.0.0.1:24\"]",
                "lmtp = [\"127.0.0.1:0\"]"));
        assertThat(check("--no-dns").out()).contains("ok    lmtp       clients from 127.0.0.0/8, ::1/128\n");
        append("[lmtp]\nallow_from = [\"10.0.0.0/8\", \"0.0.0.0/0\", \"203.0.113.5\"]\n");
        Result r = check("--no-dns");
        assertThat(r.out()).contains("warn  lmtp       lmtp.allow_from has 0.0.0.0/0, 203.0.113.5/32: clients there may "
                + "put mail into every mailbox without authentication or checks; list only the hosts of the MTA in front");
        Files.writeString(config, Files.readString(config).replace("allow_from = [\"10.0.0.0/8\", \"0.0.0.0/0\", \"203.0.113.5\"]",
                "allow_from = []"));
        assertThat(check("--no-dns").out()).contains("warn  lmtp       lmtp.allow_from is empty: every client of the "
                + "lmtp listener is refused");
    }

    @Test
    void anLmtpUnixSocketIsCheckedByItsFileAndItsPermissions() throws Exception {
        Path socket = dir.resolve("lmtp.sock");
        Files.writeString(config, Files.readString(config).replace("# lmtp = [\"127.0.0.1:24\"]",
                "lmtp = [\"unix:" + socket + "\"]"));
        Result r = check("--no-dns");
        assertThat(r.out()).contains("ok    listen     lmtp unix:" + socket + ": free\n")
                .contains("ok    lmtp       Unix socket with permissions rw-rw----\n")
                .as("no TCP address: allow_from says nothing").doesNotContain("clients from");

        // Left by a server that was killed: removed at start.
        try (java.nio.channels.ServerSocketChannel dead = java.nio.channels.ServerSocketChannel.open(
                java.net.StandardProtocolFamily.UNIX)) {
            dead.bind(java.net.UnixDomainSocketAddress.of(socket));
        }
        assertThat(check("--no-dns").out()).contains("ok    listen     lmtp unix:" + socket
                + ": a stale socket, removed at start\n");
        Files.delete(socket);
        Files.writeString(socket, "not a socket");
        r = check("--no-dns");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("FAIL  listen     lmtp unix:" + socket + ": a file that is not a socket is in the way\n");
        Files.delete(socket);

        append("[lmtp]\nsocket_mode = \"0666\"\n");
        assertThat(check("--no-dns").out()).contains("warn  lmtp       lmtp.socket_mode rw-rw-rw- lets every local user "
                + "put mail into every mailbox through the Unix socket; give it to the MTA's group instead (\"0660\")\n");
    }

    @Test
    void globalSieveScriptsAreCheckedAsStoredOnesAre() throws Exception {
        assertThat(check("--no-dns").out()).as("no directory, nothing said").doesNotContain("sieve");
        Path global = dir.resolve("data/sieve/global");
        Files.createDirectories(global);
        Files.writeString(global.resolve("spam.sieve"), "require \"fileinto\";\nif exists \"x-spam\" { fileinto \"Junk\"; }\n");
        Files.writeString(global.resolve("notes.txt"), "not a script");
        assertThat(check("--no-dns").out()).contains("ok    sieve      1 global script in " + global + "\n");
        Files.writeString(global.resolve("broken.sieve"), "keep;\nfileinto \"x\";\n");
        Result r = check("--no-dns");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("FAIL  sieve      " + global.resolve("broken.sieve") + ": line 2: command 'fileinto' "
                + "needs require \"fileinto\" (scripts that include it keep their mail instead)\n");
    }

    @Test
    void everyMilterIsAskedForItsOptions(@TempDir Path milterDir) throws Exception {
        try (java.net.ServerSocket closed = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             dev.tern.testing.TestMilter milter = dev.tern.testing.TestMilter.onPort(milterDir)) {
            int port = closed.getLocalPort();
            closed.close();
            append("[milter]\nservers = [\"" + milter.socket() + "\", \"inet:127.0.0.1:" + port + "\"]\n"
                    + "connect_timeout = \"2s\"\n");
            Result r = check("--no-dns");
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.out()).contains("ok    milter     " + milter.socket() + ": protocol version 6, may add header "
                    + "fields, replace the body, add recipients, remove recipients, change header fields, quarantine, "
                    + "change the sender, add recipients with parameters, choose its macros\n");
            assertThat(r.out()).contains("FAIL  milter     inet:127.0.0.1:" + port + ": cannot connect: connection refused (mail of the smtp, ")
                    .contains("submission, submissions listeners is deferred while it fails)\n");
        }
    }

    @Test
    void reportsAreSaidToBeSignedOrNot() throws Exception {
        append("[delivery.tls_reports]\nenabled = true\nfrom = \"tls-reports@example.org\"\n"
                + "[checks.dmarc_reports]\nenabled = true\nfrom = \"dmarc-reports@example.org\"\n");
        assertThat(check("--no-dns").out())
                .contains("ok    tls report sent daily from tls-reports@example.org, signed for example.org\n")
                .contains("ok    dmarc rpt  sent daily from dmarc-reports@example.org, signed for example.org\n");

        Files.writeString(config, Files.readString(config).replace("tls-reports@example.org", "tls-reports@example.net"));
        assertThat(check("--no-dns").out()).contains("warn  tls report reports come from tls-reports@example.net, "
                + "whose domain is not local: they go out without a DKIM signature");

        Files.writeString(config, Files.readString(config).replace("tls-reports@example.net", "tls-reports@example.org"));
        for (String line : InProcessCli.run(config, null, "domain", "dkim", "example.org").out().split("\n")) {
            if (!line.isBlank()) {
                InProcessCli.run(config, null, "domain", "dkim", "example.org", "--delete", line.strip().split("\\s+")[0]);
            }
        }
        Result r = InProcessCli.run(config, null, "domain", "show", "example.org");
        assertThat(r.out()).as("no keys left").contains("no DKIM keys");
        assertThat(check("--no-dns").out()).contains("warn  tls report reports come from tls-reports@example.org, but "
                + "example.org has no DKIM key: they go out unsigned; make keys with tern domain dkim example.org --generate");
    }

    @Test
    void anAcmeCertificateIsReportedWithWhatTernWillDoAboutIt() throws Exception {
        Files.writeString(config, Files.readString(config).replace("# autoconfig = [\"0.0.0.0:80\"]",
                "autoconfig = [\"127.0.0.1:8080\"]"));
        append("[acme]\ndirectory = \"letsencrypt-staging\"\nnames = [\"mx.example.test\", \"mta-sts.example.org\"]\n");
        Result none = check("--no-dns");
        assertThat(none.out()).contains("warn  acme       no certificate from "
                        + "https://acme-staging-v02.api.letsencrypt.org/directory yet: Tern orders one for mx.example.test, "
                        + "mta-sts.example.org when it starts")
                .contains("warn  acme       the CA checks names on port 80, and the autoconfig listener is on "
                        + "127.0.0.1:8080: forward port 80 to it")
                .doesNotContain("no [tls] cert and key");

        // A certificate that covers only one of the names: Tern will order another.
        java.nio.file.Path acme = dir.resolve("data/acme");
        Files.createDirectories(acme);
        dev.tern.testing.TestPki pki = new dev.tern.testing.TestPki();
        pki.writeServerPem(acme.resolve("cert.pem"), acme.resolve("key.pem"), "mx.example.test");
        assertThat(check("--no-dns").out())
                .contains("warn  acme       the certificate in use does not cover mta-sts.example.org: Tern orders a new "
                        + "certificate at start and every hour until it has one");

        pki.writeServerPem(acme.resolve("cert.pem"), acme.resolve("key.pem"), "mx.example.test", "mta-sts.example.org");
        assertThat(check("--no-dns").out()).containsPattern("ok    acme       mx.example.test, mta-sts.example.org: "
                + "issued by CN=Tern Test CA, valid until [0-9T:-]+Z, renewed by Tern\n");
    }

    @Test
    void eachAcmeNameMustResolveWhereTheHostNameDoes() throws Exception {
        try (TestDnsServer dns = TestDnsServer.start()) {
            Files.writeString(config, Files.readString(config).replace("# autoconfig = [\"0.0.0.0:80\"]",
                    "autoconfig = [\"0.0.0.0:80\"]"));
            append("[acme]\ndirectory = \"letsencrypt\"\n"
                    + "names = [\"mx.example.test\", \"mta-sts.example.test\", \"autoconfig.example.test\"]\n"
                    + "[dns]\nnameservers = [\"127.0.0.1:" + dns.nameserver().getPort() + "\"]\ntimeout = \"500ms\"\n");
            dns.a("mx.example.test", "192.0.2.25").cname("mta-sts.example.test", "mx.example.test")
                    .a("autoconfig.example.test", "198.51.100.7");
            Result r = check();
            assertThat(r.out()).contains("warn  acme       autoconfig.example.test resolves to [198.51.100.7], not only "
                    + "to the addresses of mx.example.test: the CA's checks there must reach Tern\n")
                    .doesNotContain("mta-sts.example.test resolves");

            Files.writeString(config, Files.readString(config).replace("\"autoconfig.example.test\"]",
                    "\"new.example.test\"]"));
            Result missing = check();
            assertThat(missing.code()).isEqualTo(1);
            assertThat(missing.out()).contains("FAIL  acme       new.example.test has no A or AAAA record: the CA cannot "
                    + "check it, and no certificate is issued while it is in acme.names")
                    .doesNotContain("autoconfig.example.test resolves");
        }
    }

    @Test
    void theDomainsHttpsNamesAreSaidReadyOrWaitingForDns() throws Exception {
        try (TestDnsServer dns = TestDnsServer.start()) {
            Files.writeString(config, Files.readString(config)
                    .replace("# autoconfig = [\"0.0.0.0:80\"]", "autoconfig = [\"0.0.0.0:80\"]")
                    .replace("# autoconfigs = [\"0.0.0.0:443\"]", "autoconfigs = [\"127.0.0.1:0\"]"));
            append("[acme]\ndirectory = \"letsencrypt\"\nnames = [\"mx.example.test\"]\n"
                    + "[dns]\nnameservers = [\"127.0.0.1:" + dns.nameserver().getPort() + "\"]\ntimeout = \"500ms\"\n");
            dns.a("mx.example.test", "192.0.2.25").cname("mta-sts.example.org", "mx.example.test")
                    .a("autoconfig.example.org", "192.0.2.25");
            assertThat(check().out())
                    .contains("warn  acme       not in the certificate until their DNS points at mx.example.test: "
                            + "autodiscover.example.org (publish the CNAMEs that tern domain show prints)\n")
                    .contains("warn  acme       mta-sts.example.org, autoconfig.example.org now point here: Tern adds "
                            + "them to the certificate at its next look (within an hour)\n");

            java.nio.file.Path acme = dir.resolve("data/acme");
            Files.createDirectories(acme);
            new dev.tern.testing.TestPki().writeServerPem(acme.resolve("cert.pem"), acme.resolve("key.pem"),
                    "mx.example.test", "mta-sts.example.org", "autoconfig.example.org");
            assertThat(check().out()).contains("ok    acme       the certificate covers mta-sts.example.org, "
                    + "autoconfig.example.org\n");
        }
    }

    @Test
    void thePostmasterMustBeALocalAccountOrAlias() throws Exception {
        Result add = InProcessCli.run(config, "pw\n", "user", "add", "owner@example.org", "--password-stdin");
        assertThat(add.code()).as(add.err()).isZero();
        Result alias = InProcessCli.run(config, null, "alias", "add", "postmaster@example.org", "owner@example.org");
        assertThat(alias.code()).as(alias.err()).isZero();
        assertThat(check("--no-dns").out()).contains("warn  postmaster mail to <Postmaster> (postmaster@mx.example.test)"
                + " is refused");

        String fresh = Files.readString(config);
        Files.writeString(config, fresh.replace("# postmaster = \"you@example.org\"", "postmaster = \"nobody@example.org\""));
        Result wrong = check("--no-dns");
        assertThat(wrong.code()).isEqualTo(1);
        assertThat(wrong.out()).contains("FAIL  postmaster postmaster = \"nobody@example.org\" is not a local account or "
                + "alias, so it receives nothing");

        Files.writeString(config, fresh.replace("# postmaster = \"you@example.org\"", "postmaster = \"owner@example.org\""));
        Result right = check("--no-dns");
        assertThat(right.code()).isZero();
        assertThat(right.out()).contains("ok    postmaster postmaster@ every local domain and a bare <Postmaster> are "
                + "delivered\n");
    }

    @Test
    void aHostNameOthersCannotLookUpIsAWarning() throws Exception {
        Files.writeString(config, Files.readString(config).replace("hostname = \"mx.example.test\"",
                "hostname = \"localhost\""));
        assertThat(check("--no-dns").out()).contains("warn  hostname   \"localhost\" is not a name other servers can look "
                + "up: they may refuse mail that Tern sends with it");
        assertThat(CheckCommand.isPublicName("mail.example.org")).isTrue();
        assertThat(CheckCommand.isPublicName("mail.example.org.")).isTrue();
        assertThat(CheckCommand.isPublicName("mail")).isFalse();
        assertThat(CheckCommand.isPublicName("box.local")).isFalse();
        assertThat(CheckCommand.isPublicName("host.localdomain")).isFalse();
        assertThat(CheckCommand.isPublicName("a.localhost")).isFalse();
    }

    @Test
    void aHostNameOnAPrivateAddressIsAWarning() throws Exception {
        try (TestDnsServer dns = TestDnsServer.start()) {
            append("[dns]\nnameservers = [\"127.0.0.1:" + dns.nameserver().getPort() + "\"]\ntimeout = \"500ms\"\n");
            dns.a("mx.example.test", "10.1.2.3");
            assertThat(check().out()).contains("warn  hostname   mx.example.test resolves to 10.1.2.3, a private address "
                    + "other servers cannot reach\n");
        }
    }

    @Test
    void aConfigErrorIsOneFailedLine() throws Exception {
        Files.writeString(config, Files.readString(config).replace("max_recipients = 1000", "max_recipients = 10"));
        Result r = check();
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).startsWith("FAIL  config     ").contains("smtp.max_recipients: must be at least 100");
    }

    @Test
    void aDataDirectoryWithoutTheReserveFails() throws Exception {
        Files.writeString(config, Files.readString(config).replace("max_message_size = \"50MB\"",
                "max_message_size = \"50MB\"\nmin_free_space = \"100000000G\""));
        Result r = check("--no-dns");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("FAIL  data_dir   ").contains("less than [smtp] min_free_space (97656.3 TB): "
                + "new mail is refused with 452 4.3.1").endsWith("1 problem, 2 warnings\n");
    }

    /**
     * DANE for mail to this server: TLSA records at _25._tcp.mx.example.test are compared with the
     * certificate Tern serves, because a stale one makes DANE senders keep all mail back.
     */
    @Test
    void theHostsTlsaRecordsAreComparedWithTheCertificateTernServes() throws Exception {
        dev.tern.testing.TestPki pki = new dev.tern.testing.TestPki();
        pki.writeServerPem(dir.resolve("cert.pem"), dir.resolve("key.pem"), "mx.example.test");
        Files.writeString(config, Files.readString(config).replace("[tls]\n", "[tls]\ncert = \"cert.pem\"\nkey = \"key.pem\"\n"));
        try (TestDnsServer dns = TestDnsServer.start()) {
            append("[dns]\nnameservers = [\"127.0.0.1:" + dns.nameserver().getPort() + "\"]\ntimeout = \"500ms\"\n");
            String none = check().out();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("ok    dane       no TLSA record at "
                    + "_25._tcp.mx.example.test \\(optional; with a DNSSEC-signed zone, publish "
                    + "_25._tcp.mx.example.test. IN TLSA 3 1 1 ([0-9A-F]{64})\\)\n").matcher(none);
            assertThat(m.find()).as(none).isTrue();
            byte[] published = java.util.HexFormat.of().parseHex(m.group(1));
            java.security.cert.X509Certificate served = dev.tern.net.tls.PemCredentials.load(dir.resolve("cert.pem"),
                    dir.resolve("key.pem"), "cert", "key").leaf();
            assertThat(published).isEqualTo(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(served.getPublicKey().getEncoded()));

            dns.tlsa("_25._tcp.mx.example.test", 3, 1, 1, published);
            assertThat(check().out()).contains("warn  dane       the TLSA records at _25._tcp.mx.example.test match the "
                    + "certificate, but are not DNSSEC-validated (the zone is not signed, or the resolver does not "
                    + "validate): senders ignore them\n");
            dns.signed(".");
            assertThat(check().out()).contains("ok    dane       the TLSA records at _25._tcp.mx.example.test match the "
                    + "certificate Tern serves, DNSSEC-validated\n");

            // A new certificate with a new key, the record left as it was.
            pki.writeServerPem(dir.resolve("cert.pem"), dir.resolve("key.pem"), "mx.example.test");
            Result stale = check();
            assertThat(stale.code()).isEqualTo(1);
            assertThat(stale.out()).contains("FAIL  dane       the TLSA records at _25._tcp.mx.example.test do not match "
                    + "the certificate Tern serves (the certificate chain matches none of the TLSA records of "
                    + "mx.example.test): servers that use DANE keep all mail to this server back; publish "
                    + "_25._tcp.mx.example.test. IN TLSA 3 1 1 ");
        }
    }

    /** With ACME, the record matches the key only as long as renewals keep it (reuse_key). */
    @Test
    void aTlsaRecordOfAnAcmeKeyThatRenewalsReplaceIsWarnedAbout() throws Exception {
        Files.writeString(config, Files.readString(config).replace("# autoconfig = [\"0.0.0.0:80\"]",
                "autoconfig = [\"127.0.0.1:8080\"]"));
        append("[acme]\ndirectory = \"letsencrypt-staging\"\nnames = [\"mx.example.test\"]\nreuse_key = false\n");
        java.nio.file.Path acme = dir.resolve("data/acme");
        Files.createDirectories(acme);
        new dev.tern.testing.TestPki().writeServerPem(acme.resolve("cert.pem"), acme.resolve("key.pem"), "mx.example.test");
        java.security.cert.X509Certificate served = dev.tern.net.tls.PemCredentials.load(acme.resolve("cert.pem"),
                acme.resolve("key.pem"), "cert", "key").leaf();
        try (TestDnsServer dns = TestDnsServer.start()) {
            append("[dns]\nnameservers = [\"127.0.0.1:" + dns.nameserver().getPort() + "\"]\ntimeout = \"500ms\"\n");
            dns.tlsa("_25._tcp.mx.example.test", 3, 1, 1, java.security.MessageDigest.getInstance("SHA-256")
                    .digest(served.getPublicKey().getEncoded())).signed(".");
            assertThat(check().out()).contains("warn  dane       the TLSA records at _25._tcp.mx.example.test match the "
                    + "certificate, but [acme] reuse_key = false gives the next certificate a new key that they will not "
                    + "match\n");
            Files.writeString(config, Files.readString(config).replace("reuse_key = false\n", ""));
            assertThat(check().out()).contains("ok    dane       the TLSA records at _25._tcp.mx.example.test match the "
                    + "certificate Tern serves, DNSSEC-validated\n");
        }
    }

    @Test
    void theCertificateIsCheckedForItsKeyDatesAndName() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        TestCertificates.Issued good = TestCertificates.ec().write(cert, key, true);
        Files.writeString(config, Files.readString(config).replace("[tls]\n", "[tls]\ncert = \"cert.pem\"\nkey = \"key.pem\"\n")
                .replace("# postmaster = \"you@example.org\"", "postmaster = \"owner@example.org\""));
        assertThat(InProcessCli.run(config, "pw\n", "user", "add", "owner@example.org", "--password-stdin").code())
                .isZero();
        Result r = check("--no-dns");
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out()).contains("ok    tls        " + cert + ": CN=mx.tern.test, valid until "
                + good.certificate().getNotAfter().toInstant()).endsWith("everything checked is right\n");

        Instant now = Instant.now();
        TestCertificates.ec(now.minus(Duration.ofDays(90)), now.minus(Duration.ofDays(1))).write(cert, key, true);
        assertThat(check("--no-dns").out()).contains("FAIL  tls        " + cert + ": CN=mx.tern.test expired ");
        TestCertificates.ec(now.minus(Duration.ofDays(80)), now.plus(Duration.ofDays(5))).write(cert, key, true);
        r = check("--no-dns");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("warn  tls        " + cert + ": CN=mx.tern.test expires ");

        // A new certificate beside the old one's key.
        TestCertificates.ec().write(cert, dir.resolve("other-key.pem"), true);
        r = check("--no-dns");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("FAIL  tls        tls.key:");

        // A name the certificate does not hold.
        good.write(cert, key, true);
        Files.writeString(config, Files.readString(config).replace("hostname = \"mx.example.test\"",
                "hostname = \"mail.example.org\""));
        r = check("--no-dns");
        assertThat(r.out()).contains("warn  tls        the certificate does not name mail.example.org "
                + "(it names mx.tern.test, mx.example.test, localhost)");
    }

    @Test
    void wildcardNamesCoverOneLabel() {
        assertThat(CheckCommand.covers("*.example.org", "mx.example.org")).isTrue();
        assertThat(CheckCommand.covers("*.example.org", "a.mx.example.org")).isFalse();
        assertThat(CheckCommand.covers("*.example.org", "example.org")).isFalse();
        assertThat(CheckCommand.covers("MX.Example.org", "mx.example.ORG")).isTrue();
    }

    @Test
    void eachDomainsDnsRecordsAreChecked() throws Exception {
        try (TestDnsServer dns = TestDnsServer.start()) {
            append("[dns]\nnameservers = [\"127.0.0.1:" + dns.nameserver().getPort() + "\"]\ntimeout = \"500ms\"\n");
            Result missing = check();
            assertThat(missing.code()).isEqualTo(1);
            assertThat(missing.out()).containsPattern("FAIL  dns        example.org: 0 of \\d+ records published as expected\n")
                    .contains("\n                 missing MX: ")
                    .contains(": publish example.org. IN MX 10 mx.example.test.\n")
                    .contains("FAIL  hostname   mx.example.test has no A or AAAA record: the MX records point at it, so "
                            + "other servers cannot reach Tern; publish mx.example.test. IN A with this server's address\n")
                    .contains("warn  dnssec     the resolver at 127.0.0.1:" + dns.nameserver().getPort() + " does not "
                            + "validate DNSSEC (no AD bit on the root zone's SOA), so DANE protects no mail; run a "
                            + "validating resolver (apt install unbound) and name it in [dns] nameservers, or set "
                            + "[delivery] dane = false\n")
                    .endsWith("2 problems, 3 warnings\n");

            dns.a("mx.example.test", "192.0.2.25").signed(".");
            Result shown = InProcessCli.run(config, null, "domain", "show", "example.org");
            for (String line : shown.out().lines().filter(l -> !l.startsWith(";") && l.contains(" IN ")).toList()) {
                String[] parts = line.split(" ", 4);
                dns.add(org.xbill.DNS.Record.fromString(org.xbill.DNS.Name.fromString(parts[0]),
                        org.xbill.DNS.Type.value(parts[2]), org.xbill.DNS.DClass.IN, 300,
                        parts[3], org.xbill.DNS.Name.root));
            }
            Result found = check();
            assertThat(found.code()).as(found.out()).isZero();
            assertThat(found.out()).containsPattern("ok    dns        example.org: all \\d+ records published as expected\n")
                    .contains("ok    dnssec     the resolver at 127.0.0.1:" + dns.nameserver().getPort()
                            + " validates DNSSEC: DANE protects mail to signed domains\n")
                    .contains("warn  hostname   192.0.2.25 (mx.example.test) has no PTR record: Gmail, Outlook and others "
                            + "refuse mail from it; ask whoever runs the address (the hosting provider) to set its PTR to "
                            + "mx.example.test\n");

            dns.ptr("192.0.2.25", "other.example.net");
            assertThat(check().out()).contains("warn  hostname   192.0.2.25 (mx.example.test) has the PTR other.example.net, "
                    + "not mx.example.test");
            dns.ptr("192.0.2.25", "mx.example.test");
            assertThat(check().out()).contains("ok    hostname   mx.example.test: 192.0.2.25, whose PTR names it back\n");
        }
    }
}
