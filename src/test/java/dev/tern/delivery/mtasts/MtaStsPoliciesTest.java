package dev.tern.delivery.mtasts;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.tern.dns.DnsResolver;
import dev.tern.smtp.client.TlsSettings;
import dev.tern.testing.TestClock;
import dev.tern.testing.TestDnsServer;
import dev.tern.testing.TestPki;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * When a policy is fetched, kept, replaced or dropped (RFC 8461 §5.1): an unexpired policy
 * survives a missing record and a failed fetch; a new id replaces it; max_age ends it.
 */
class MtaStsPoliciesTest {

    private final TestPki pki = new TestPki();
    private final TestClock clock = new TestClock("2026-11-30T12:00:00Z");
    private final AtomicInteger fetches = new AtomicInteger();
    private volatile String policy = "version: STSv1\nmode: enforce\nmx: mx.b.test\nmax_age: 3600\n";
    private volatile int status = 200;
    private TestDnsServer dns;
    private DnsResolver resolver;
    private MultiThreadIoEventLoopGroup group;
    private HttpsServer https;
    private MtaStsPolicies policies;
    private dev.tern.store.embedded.SqliteMetadataStore store;
    private java.util.concurrent.ExecutorService blocking;

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;

    @BeforeEach
    void start() throws Exception {
        dns = TestDnsServer.start();
        dns.ttl(0).a("mta-sts.b.test", "127.0.0.1");
        resolver = new DnsResolver(dns.settings(), false);
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(pki.serverContext("mta-sts.b.test")));
        https.createContext("/.well-known/mta-sts.txt", exchange -> {
            fetches.incrementAndGet();
            byte[] bytes = policy.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        https.start();
        store = new dev.tern.store.embedded.SqliteMetadataStore(dir.resolve("tern.db"), 2);
        blocking = java.util.concurrent.Executors.newFixedThreadPool(2);
        policies = newPolicies();
    }

    private MtaStsPolicies newPolicies() throws javax.net.ssl.SSLException {
        return new MtaStsPolicies(resolver, group, false, TlsSettings.trusting(List.of(pki.caCertificate())).sslContext(),
                https.getAddress().getPort(), store, blocking, clock);
    }

    @AfterEach
    void stop() {
        https.stop(0);
        blocking.shutdownNow();
        store.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        resolver.close();
        dns.close();
    }

    private StsPolicy.Mode mode() {
        StsPolicy p = policies.policyFor("b.test").join();
        return p == null ? null : p.mode();
    }

    private void record(String text) {
        dns.remove("_mta-sts.b.test");
        if (text != null) {
            dns.txt("_mta-sts.b.test", text);
        }
    }

    @Test
    void aPolicyIsKeptUntilItsMaxAgeWhateverDnsAndTheHostSay() {
        assertThat(mode()).isNull();   // no record: no policy
        record("v=STSv1; id=1");
        assertThat(mode()).isEqualTo(StsPolicy.Mode.ENFORCE);
        assertThat(mode()).isEqualTo(StsPolicy.Mode.ENFORCE);
        assertThat(fetches.get()).isEqualTo(1);   // same id: from the cache

        // The record disappears, or changes while the policy host fails: the policy stays.
        record(null);
        assertThat(mode()).isEqualTo(StsPolicy.Mode.ENFORCE);
        record("v=STSv1; id=2");
        status = 500;
        assertThat(mode()).isEqualTo(StsPolicy.Mode.ENFORCE);
        assertThat(fetches.get()).isEqualTo(2);

        // A new id that fetches: the new policy replaces the old one.
        status = 200;
        policy = "version: STSv1\nmode: testing\nmx: mx.b.test\nmax_age: 3600\n";
        record("v=STSv1; id=3");
        assertThat(mode()).isEqualTo(StsPolicy.Mode.TESTING);

        // Past max_age, without a record, there is no policy any more.
        record(null);
        clock.advance(Duration.ofSeconds(3601));
        assertThat(mode()).isNull();
    }

    @Test
    void aPolicyOutlivesARestartThroughTheStoreUntilItExpires() throws Exception {
        record("v=STSv1; id=1");
        assertThat(mode()).isEqualTo(StsPolicy.Mode.ENFORCE);
        await().atMost(Duration.ofSeconds(10)).until(() -> store.read(tx -> tx.mtaSts().policy("b.test")).isPresent());

        // A restart while DNS says nothing and the policy host is down: the stored policy holds.
        policies = newPolicies();
        record(null);
        status = 500;
        assertThat(mode()).isEqualTo(StsPolicy.Mode.ENFORCE);
        assertThat(fetches.get()).isEqualTo(1);

        // Expired policies are forgotten by the hourly purge, and no longer used.
        clock.advance(Duration.ofSeconds(3601));
        int purged = store.writeAndWait(tx -> tx.mtaSts().purge(clock.instant(), 100));
        assertThat(purged).isEqualTo(1);
        policies = newPolicies();
        assertThat(mode()).isNull();
    }

    @Test
    void deliveriesToADomainAtTheSameTimeShareOneLookup() {
        record("v=STSv1; id=1");
        var first = policies.policyFor("b.test");
        var second = policies.policyFor("b.test");
        assertThat(first.join().mode()).isEqualTo(StsPolicy.Mode.ENFORCE);
        assertThat(second.join().mode()).isEqualTo(StsPolicy.Mode.ENFORCE);
        assertThat(fetches.get()).isEqualTo(1);
    }

    @Test
    void modeNoneAndAnInvalidPolicyAreNoPolicy() {
        record("v=STSv1; id=1");
        policy = "version: STSv1\nmode: none\nmax_age: 3600\n";
        assertThat(mode()).isNull();
        record("v=STSv1; id=2");
        policy = "<html>hello</html>";
        assertThat(mode()).isNull();
        // And an expired policy is fetched again even when the id is the same.
        policy = "version: STSv1\nmode: enforce\nmx: mx.b.test\nmax_age: 60\n";
        record("v=STSv1; id=3");
        assertThat(mode()).isEqualTo(StsPolicy.Mode.ENFORCE);
        clock.advance(Duration.ofSeconds(61));
        assertThat(mode()).isEqualTo(StsPolicy.Mode.ENFORCE);
        assertThat(fetches.get()).isEqualTo(4);
    }
}
