package dev.tern.acme;

import dev.tern.store.postgres.PostgresTestDatabase;
import dev.tern.testing.Pebble;
import dev.tern.testing.RunningServer;
import dev.tern.testing.TestDnsServer;
import dev.tern.testing.TestPki;
import dev.tern.testing.TlsProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes on one PostgreSQL database behind one address share the ACME certificate: the CA's
 * checks reach only one of them (as a load balancer may send them), yet the other's order
 * succeeds, because the answers are in the store; and each node serves the certificate the other
 * obtained.
 */
class AcmeClusterTest {

    @RegisterExtension
    static final PostgresTestDatabase db = new PostgresTestDatabase();

    @TempDir
    Path dir;

    private final TestPki pki = new TestPki();
    private final List<RunningServer> nodes = new ArrayList<>();
    private TestDnsServer dns;
    private Pebble pebble;
    private int checkedPort;

    @BeforeEach
    void start() throws Exception {
        db.truncateAll();
        dns = TestDnsServer.start();
        dns.a("mail.tern.test", "127.0.0.1").a("autoconfig.tern.test", "127.0.0.1");
        checkedPort = Pebble.anyFreePort();
        pebble = Pebble.start(dir, pki, dns.nameserver(), checkedPort);
    }

    @AfterEach
    void stop() {
        nodes.forEach(RunningServer::close);
        if (pebble != null) {
            pebble.close();
        }
        if (dns != null) {
            dns.close();
        }
    }

    private RunningServer node(String name, int httpPort, String names) throws Exception {
        Path d = dir.resolve(name);
        Files.createDirectories(d);
        String extra = """
                hostname = "mail.tern.test"
                [acme]
                directory = "%s"
                ca_file = "%s"
                names = [%s]
                domain_names = false
                [dns]
                nameservers = ["127.0.0.1:%d"]
                [store]
                metadata = "postgres"
                [store.postgres]
                url = "%s"
                user = "%s"
                password = "%s"
                """.formatted(pebble.directory(), pki.writeCaPem(dir.resolve("pebble-api-ca.pem")), names,
                dns.nameserver().getPort(), db.url(), db.user(), db.password());
        RunningServer node = new RunningServer(d, extra, """
                autoconfig = ["127.0.0.1:%d"]
                autoconfigs = ["127.0.0.1:0"]
                """.formatted(httpPort), null);
        nodes.add(node);
        return node;
    }

    /**
     * The node the CA's checks reach. Its port was chosen before the CA started, and another
     * process may have taken it since (an outgoing connection's ephemeral port): then the CA starts
     * again with another, at most twice.
     */
    private RunningServer reachedNode() throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return node("reached", checkedPort, "\"mail.tern.test\"");
            } catch (dev.tern.net.ListenException e) {
                if (attempt == 3) {
                    throw e;
                }
                pebble.close();
                checkedPort = Pebble.anyFreePort();
                pebble = Pebble.start(dir, pki, dns.nameserver(), checkedPort);
            }
        }
    }

    /** Another node, on a port of its own; a port taken between its choice and its use is chosen again. */
    private RunningServer otherNode(String names) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return node("other", Pebble.anyFreePort(), names);
            } catch (dev.tern.net.ListenException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    @Test
    void theNodeTheCaReachesAnswersForTheNodeThatOrdersAndBothServeTheCertificate() throws Exception {
        // The CA's checks go to this node's port only.
        RunningServer reached = reachedNode();
        X509Certificate root = pebble.root();
        X509Certificate first = awaitVerified(reached, root, "mail.tern.test");

        // The other node starts with the certificate in the store, and a name more to cover: it
        // orders, the CA's checks for that order reach the first node, which answers from the store.
        RunningServer other = otherNode("\"mail.tern.test\", \"autoconfig.tern.test\"");
        X509Certificate second = awaitVerified(other, root, "autoconfig.tern.test");
        assertThat(second.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
        // One account for the cluster: the second node ordered with the key the first one made.
        assertThat(Files.readString(dir.resolve("other/data/acme/account-key.pem")))
                .isEqualTo(Files.readString(dir.resolve("reached/data/acme/account-key.pem")));

        // The first node takes the new certificate from the store at its next look, without ordering.
        assertThat(reached.server().acme().renewIfDue()).isEqualTo(new AcmeCertificates.Outcome(false, null));
        assertThat(TlsProbe.verified(reached.port("autoconfigs"), root, "autoconfig.tern.test").getSerialNumber())
                .isEqualTo(second.getSerialNumber());
        try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT (SELECT count(*) FROM acme_challenges), (SELECT count(*) FROM acme_order_locks)")) {
            rs.next();
            assertThat(rs.getInt(1)).as("answers left behind").isZero();
            assertThat(rs.getInt(2)).as("order locks left behind").isZero();
        }
    }

    private X509Certificate awaitVerified(RunningServer node, X509Certificate root, String name) throws Exception {
        return TlsProbe.awaitVerified(node.port("autoconfigs"), root, name, () -> "pebble said:\n" + pebble.log());
    }
}
