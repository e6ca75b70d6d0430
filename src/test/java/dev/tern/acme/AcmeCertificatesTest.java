package dev.tern.acme;

import dev.tern.config.AcmeSettings;
import dev.tern.testing.Pebble;
import dev.tern.testing.RunningServer;
import dev.tern.testing.TestDnsServer;
import dev.tern.testing.TestPki;
import dev.tern.testing.TlsProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The certificate from a real ACME CA: Let's Encrypt's test server, Pebble, checks each name over
 * http-01 against Tern's autoconfig listener (the names resolve to 127.0.0.1 through a test DNS
 * server), and Tern's TLS listeners then present the chain it issued.
 */
class AcmeCertificatesTest {

    @TempDir
    Path dir;

    private final TestPki pki = new TestPki();
    private TestDnsServer dns;
    private Pebble pebble;
    private int httpPort;
    private RunningServer tern;

    @BeforeEach
    void startCa() throws IOException {
        dns = TestDnsServer.start();
        dns.a("mail.tern.test", "127.0.0.1").a("mta-sts.tern.test", "127.0.0.1").a("autoconfig.tern.test", "127.0.0.1")
                // An address where nothing answers the CA's check.
                .a("elsewhere.tern.test", "127.0.0.2");
        httpPort = Pebble.anyFreePort();
        pebble = Pebble.start(dir, pki, dns.nameserver(), httpPort);
    }

    @AfterEach
    void stop() {
        if (tern != null) {
            tern.close();
        }
        if (pebble != null) {
            pebble.close();
        }
        if (dns != null) {
            dns.close();
        }
    }

    private RunningServer start(String names) throws IOException {
        return start(names, "domain_names = false");
    }

    private RunningServer start(String names, String more) throws IOException {
        String extra = """
                hostname = "mail.tern.test"
                [acme]
                directory = "%s"
                ca_file = "%s"
                email = "postmaster@tern.test"
                names = [%s]
                %s
                [dns]
                nameservers = ["127.0.0.1:%d"]
                """.formatted(pebble.directory(), pki.writeCaPem(dir.resolve("pebble-api-ca.pem")), names, more,
                dns.nameserver().getPort());
        return new RunningServer(dir, extra, """
                autoconfig = ["127.0.0.1:%d"]
                autoconfigs = ["127.0.0.1:0"]
                """.formatted(httpPort), null);
    }

    @Test
    void aCertificateIsObtainedAtStartKeptAcrossARestartAndOrderedAgainForANewName() throws Exception {
        tern = start("\"mail.tern.test\", \"mta-sts.tern.test\"");
        X509Certificate root = pebble.root();

        // Until the CA has issued it, the self-signed certificate is served; then the CA's chain,
        // which a client that trusts only the CA's root verifies for each name.
        X509Certificate first = awaitVerified(tern, root, "mail.tern.test");
        assertThat(names(first)).containsExactlyInAnyOrder("mail.tern.test", "mta-sts.tern.test");
        assertThat(served(root, "mta-sts.tern.test").getSerialNumber()).isEqualTo(first.getSerialNumber());
        Path acme = dir.resolve("data/acme");
        for (String file : List.of("account-key.pem", "key.pem", "cert.pem")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(acme.resolve(file))))
                    .as(file).isEqualTo("rw-------");
        }
        assertThat(tern.server().acme().renewIfDue()).isEqualTo(new AcmeCertificates.Outcome(false, null));

        // After a restart the kept certificate is served from the first connection, and none is ordered.
        String accountKey = Files.readString(acme.resolve("account-key.pem"));
        tern.close();
        tern = start("\"mail.tern.test\", \"mta-sts.tern.test\"");
        assertThat(served(root, "mail.tern.test").getSerialNumber()).isEqualTo(first.getSerialNumber());
        assertThat(tern.server().acme().renewIfDue().renewed()).isFalse();

        // A name added to the list: the next look orders a certificate that covers it too, with the same account.
        tern.close();
        tern = start("\"mail.tern.test\", \"mta-sts.tern.test\", \"autoconfig.tern.test\"");
        X509Certificate second = awaitVerified(tern, root, "autoconfig.tern.test");
        assertThat(second.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
        assertThat(names(second)).containsExactlyInAnyOrder("mail.tern.test", "mta-sts.tern.test", "autoconfig.tern.test");
        assertThat(Files.readString(acme.resolve("account-key.pem"))).isEqualTo(accountKey);
        // What an alert on renewal watches follows the certificate in use.
        assertThat(tern.server().metrics().scrape()).contains("tern_tls_certificate_expiry_seconds "
                + (double) (second.getNotAfter().getTime() / 1000));
        // The new certificate keeps the key, so that a TLSA record of it (DANE) stays true ...
        assertThat(second.getPublicKey()).isEqualTo(first.getPublicKey());

        // ... unless reuse_key = false asks for a new one.
        dns.a("autodiscover.tern.test", "127.0.0.1");
        tern.close();
        tern = start("\"mail.tern.test\", \"mta-sts.tern.test\", \"autoconfig.tern.test\", \"autodiscover.tern.test\"",
                "domain_names = false\nreuse_key = false");
        X509Certificate third = awaitVerified(tern, root, "autodiscover.tern.test");
        assertThat(third.getPublicKey()).isNotEqualTo(first.getPublicKey());
    }

    @Test
    void theHttpsNamesOfEachLocalDomainAreCoveredOnceTheirDnsPointsHere() throws Exception {
        dns.ttl(0);   // a name not found is not remembered: its records come later in the test
        dns.a("mta-sts.tern.test", "127.0.0.1").a("autodiscover.tern.test", "127.0.0.1");
        tern = start("\"mail.tern.test\"", "");
        tern.services().directory().addDomain("tern.test");
        // A domain whose names are not published yet, and one whose autoconfig name is elsewhere.
        tern.services().directory().addDomain("later.test");
        dns.a("mta-sts.elsewhere.test", "127.0.0.1").a("autoconfig.elsewhere.test", "127.0.0.1")
                .a("autodiscover.elsewhere.test", "127.0.0.2");
        tern.services().directory().addDomain("elsewhere.test");
        X509Certificate root = pebble.root();
        awaitVerified(tern, root, "mail.tern.test");
        tern.server().acme().renewIfDue();   // the domains were added after the first look began
        X509Certificate cert = served(root, "autodiscover.tern.test");
        assertThat(names(cert)).containsExactlyInAnyOrder("mail.tern.test", "mta-sts.tern.test",
                "autoconfig.tern.test", "autodiscover.tern.test", "mta-sts.elsewhere.test", "autoconfig.elsewhere.test");

        // Once later.test's names are published, the next look covers them too.
        dns.a("mta-sts.later.test", "127.0.0.1").a("autoconfig.later.test", "127.0.0.1")
                .a("autodiscover.later.test", "127.0.0.1");
        assertThat(tern.server().acme().renewIfDue()).isEqualTo(new AcmeCertificates.Outcome(true, null));
        assertThat(names(served(root, "autoconfig.later.test"))).contains("mta-sts.later.test", "autodiscover.later.test",
                "mail.tern.test");
        assertThat(tern.server().acme().renewIfDue().renewed()).isFalse();
    }

    @Test
    void aNameTheCaCannotCheckLeavesTheCertificateInUseAndSaysWhy() throws Exception {
        tern = start("\"mail.tern.test\"");
        X509Certificate root = pebble.root();
        X509Certificate first = awaitVerified(tern, root, "mail.tern.test");

        tern.close();
        tern = start("\"mail.tern.test\", \"elsewhere.tern.test\"");
        AcmeCertificates.Outcome outcome = tern.server().acme().renewIfDue();
        assertThat(outcome.renewed()).isFalse();
        assertThat(outcome.problem()).contains("elsewhere.tern.test").contains("connection refused");
        assertThat(served(root, "mail.tern.test").getSerialNumber()).isEqualTo(first.getSerialNumber());
    }

    @Test
    void aCaThatCannotBeReachedOrTrustedIsSaidInWords() throws Exception {
        Path data = dir.resolve("alone");
        Files.createDirectories(data);
        try (dev.tern.store.MetadataStore store = new dev.tern.store.embedded.SqliteMetadataStore(data.resolve("tern.db"), 1);
             dev.tern.net.tls.ServerTls tls = dev.tern.net.tls.ServerTls.openManaged(AcmeCertificates.certFile(data),
                AcmeCertificates.keyFile(data), data, "mail.tern.test", Duration.ofSeconds(5))) {
            int closed = Pebble.anyFreePort();
            AcmeSettings down = new AcmeSettings(URI.create("https://127.0.0.1:" + closed + "/dir"), null,
                    List.of("mail.tern.test"), Duration.ofDays(30), null, false, true);
            assertThat(new AcmeCertificates(down, store, data, new AcmeChallenges(), List::of, tls,
                    java.time.Clock.systemUTC()).renewIfDue().problem()).endsWith("cannot connect to the CA (refused, or no route)");
            // Pebble's API certificate comes from a CA the JDK does not trust, and no ca_file names it.
            AcmeSettings untrusted = new AcmeSettings(URI.create(pebble.directory()), null, List.of("mail.tern.test"),
                    Duration.ofDays(30), null, false, true);
            assertThat(new AcmeCertificates(untrusted, store, data, new AcmeChallenges(), List::of, tls,
                    java.time.Clock.systemUTC()).renewIfDue().problem()).contains("TLS with the CA failed: ");
            assertThat(tls.certificate().getIssuerX500Principal().getName()).isEqualTo("CN=mail.tern.test");
        }
    }

    @Test
    void onlyATokenBeingCheckedIsAnswered() throws Exception {
        tern = start("\"mail.tern.test\"");
        awaitVerified(tern, pebble.root(), "mail.tern.test");
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("/.well-known/acme-challenge/" + "A".repeat(43), "/.well-known/acme-challenge/x")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + httpPort + path)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isEqualTo(404);
        }
        // Unknown tokens cost a read of the store: a client asking for many of them is held back.
        int refused = 0;
        for (int i = 0; i < 70 && refused == 0; i++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                    + "/.well-known/acme-challenge/" + "B".repeat(40) + i)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 429) {
                refused = i;
            } else {
                assertThat(r.statusCode()).isEqualTo(404);
            }
        }
        assertThat(refused).as("requests answered before the limit (60 a minute)").isBetween(50, 69);
        AcmeChallenges challenges = new AcmeChallenges();
        challenges.put("A".repeat(43), "A".repeat(43) + ".thumbprint");
        assertThat(challenges.answer("A".repeat(43))).contains("A".repeat(43) + ".thumbprint");
        assertThat(challenges.answer("../../etc/passwd")).isEmpty();
        challenges.remove("A".repeat(43));
        assertThat(challenges.answer("A".repeat(43))).isEmpty();
    }

    @Test
    void aCertificateIsRenewedWithinRenewBeforeOrTheLastThirdOfItsLife() throws Exception {
        tern = start("\"mail.tern.test\"");
        X509Certificate cert = awaitVerified(tern, pebble.root(), "mail.tern.test");
        Instant end = cert.getNotAfter().toInstant();
        List<String> mail = List.of("mail.tern.test");
        Duration thirtyDays = Duration.ofDays(30);
        assertThat(AcmeCertificates.whyNeeded(cert, mail, thirtyDays, end.minus(Duration.ofDays(31)))).isNull();
        assertThat(AcmeCertificates.whyNeeded(cert, mail, thirtyDays, end.minus(Duration.ofDays(29)))).contains("ends");
        assertThat(AcmeCertificates.whyNeeded(null, mail, thirtyDays, end)).isEqualTo("no certificate yet");
        assertThat(AcmeCertificates.whyNeeded(cert, List.of("mail.tern.test", "other.tern.test"), thirtyDays,
                Instant.now())).contains("does not cover other.tern.test");
        // A renew_before longer than a third of the lifetime: renewed when two thirds have passed.
        Duration life = Duration.between(cert.getNotBefore().toInstant(), end);
        assertThat(AcmeCertificates.whyNeeded(cert, mail, life, end.minus(life.dividedBy(3)).minusSeconds(60))).isNull();
        assertThat(AcmeCertificates.whyNeeded(cert, mail, life, end.minus(life.dividedBy(3)).plusSeconds(60))).isNotNull();
    }

    /** The certificate the autoconfigs listener presents now, verified against the CA's root for {@code name}. */
    private X509Certificate served(X509Certificate root, String name) throws Exception {
        return TlsProbe.verified(tern.port("autoconfigs"), root, name);
    }

    private X509Certificate awaitVerified(RunningServer node, X509Certificate root, String name) throws Exception {
        return TlsProbe.awaitVerified(node.port("autoconfigs"), root, name, () -> "pebble said:\n" + pebble.log());
    }

    private static List<String> names(X509Certificate cert) throws Exception {
        return cert.getSubjectAlternativeNames().stream().filter(san -> Integer.valueOf(2).equals(san.get(0)))
                .map(san -> san.get(1).toString()).toList();
    }
}
