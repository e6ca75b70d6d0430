package dev.tern.suppression;

import dev.tern.config.SuppressionSettings;
import dev.tern.server.Services;
import dev.tern.store.Rows;
import dev.tern.testing.TestClock;
import dev.tern.testing.TestConfigs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SuppressionListTest {

    @TempDir
    Path dir;
    Services services;
    TestClock clock = new TestClock("2026-11-20T10:00:00Z");

    @BeforeEach
    void setUp() {
        services = new Services(TestConfigs.write(dir), 2);
        services.directory().addDomain("example.test");
    }

    @AfterEach
    void tearDown() {
        services.close();
    }

    private SuppressionList list(SuppressionSettings settings) {
        return new SuppressionList(services.metadata(), settings, services.directory()::isLocalDomain, clock);
    }

    private boolean refused(SuppressionList list, String address, String status) {
        return services.metadata().writeAndWait(tx -> list.recordRefusal(tx, address, status,
                "550 " + status + " <" + address + ">: no such user\r\n here", "Q1"));
    }

    @Test
    void onlyRefusalsThatSayTheMailboxIsNotThereListAnAddress() {
        SuppressionList list = list(SuppressionSettings.defaults());
        for (String status : List.of("5.1.1", "5.1.3", "5.1.6", "5.1.10", "5.2.1")) {
            assertThat(refused(list, "gone-" + status + "@elsewhere.test", status)).as(status).isTrue();
        }
        for (String status : List.of("5.0.0", "5.1.2", "5.2.2", "5.3.4", "5.7.1", "5.7.26", "4.1.1")) {
            assertThat(refused(list, "kept-" + status + "@elsewhere.test", status)).as(status).isFalse();
        }
        assertThat(list.list(null, null, 100)).extracting(Rows.Suppression::address).containsExactly(
                "gone-5.1.10@elsewhere.test", "gone-5.1.1@elsewhere.test", "gone-5.1.3@elsewhere.test",
                "gone-5.1.6@elsewhere.test", "gone-5.2.1@elsewhere.test");

        Rows.Suppression e = list.find("Gone-5.1.1@ELSEWHERE.test").orElseThrow();
        assertThat(e.reason()).isEqualTo(SuppressionList.BOUNCE);
        assertThat(e.status()).isEqualTo("5.1.1");
        assertThat(e.detail()).as("kept on one line").isEqualTo("550 5.1.1 <gone-5.1.1@elsewhere.test>: no such user here");
        assertThat(e.queueId()).isEqualTo("Q1");
        assertThat(e.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofDays(30)));
        assertThat(SuppressionList.explanation(e)).isEqualTo("not sent: the address is on this server's suppression "
                + "list since 2026-11-20, when its server refused it (550 5.1.1 <gone-5.1.1@elsewhere.test>: no such user here)");
        assertThat(SuppressionList.status(e)).isEqualTo("5.1.1");
    }

    @Test
    void anEntryLastsItsTimeAndIsThenForgotten() {
        SuppressionList list = list(new SuppressionSettings(true, Duration.ofDays(2)));
        refused(list, "gone@elsewhere.test", "5.1.1");
        clock.advance(Duration.ofDays(2).minusSeconds(1));
        assertThat(list.find("gone@elsewhere.test")).isPresent();
        assertThat(list.purgeExpired()).isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(list.find("gone@elsewhere.test")).as("its time has passed").isEmpty();
        assertThat(list.listed(List.of("gone@elsewhere.test"))).isEmpty();
        assertThat(list.purgeExpired()).isEqualTo(1);
        assertThat(list.purgeExpired()).isZero();
    }

    @Test
    void withoutAnExpiryOrWithHardBouncesOffNothingExpiresOrNothingIsListed() {
        SuppressionList forever = list(new SuppressionSettings(true, Duration.ZERO));
        refused(forever, "gone@elsewhere.test", "5.1.1");
        clock.advance(Duration.ofDays(3650));
        assertThat(forever.find("gone@elsewhere.test").orElseThrow().expiresAt()).isNull();

        SuppressionList off = list(new SuppressionSettings(false, Duration.ofDays(30)));
        assertThat(refused(off, "other@elsewhere.test", "5.1.1")).isFalse();
        assertThat(off.find("other@elsewhere.test")).isEmpty();
    }

    @Test
    void anOperatorsEntryIsNotReplacedByABounce() {
        SuppressionList list = list(SuppressionSettings.defaults());
        list.add("ceo@elsewhere.test", "asked not to be mailed", null);
        assertThat(refused(list, "ceo@elsewhere.test", "5.1.1")).isFalse();
        Rows.Suppression e = list.find("ceo@elsewhere.test").orElseThrow();
        assertThat(e.reason()).isEqualTo(SuppressionList.MANUAL);
        assertThat(e.expiresAt()).isNull();
        assertThat(SuppressionList.status(e)).isEqualTo("5.7.1");
        assertThat(SuppressionList.explanation(e)).isEqualTo(
                "not sent: the address is on this server's suppression list since 2026-11-20 (asked not to be mailed)");

        list.add("temp@elsewhere.test", null, Duration.ofHours(1));
        assertThat(list.find("temp@elsewhere.test").orElseThrow().expiresAt()).isEqualTo(clock.instant().plusSeconds(3600));
    }

    @Test
    void listingIsByAddressAndDomainInPagesAndDeletingByAddressOrDomain() {
        SuppressionList list = list(SuppressionSettings.defaults());
        for (String a : List.of("c@one.test", "a@one.test", "b@two.test", "d@one.test")) {
            list.add(a, null, null);
        }
        assertThat(list.list("ONE.test", null, 2)).extracting(Rows.Suppression::address).containsExactly("a@one.test", "c@one.test");
        assertThat(list.list("one.test", "c@one.test", 2)).extracting(Rows.Suppression::address).containsExactly("d@one.test");
        assertThat(list.listed(List.of("A@one.test", "x@one.test", "not an address"))).containsOnlyKeys("A@one.test");

        assertThat(list.delete("C@One.Test")).isTrue();
        assertThat(list.delete("c@one.test")).isFalse();
        assertThat(list.deleteDomain("one.test")).isEqualTo(2);
        assertThat(list.list(null, null, 10)).extracting(Rows.Suppression::address).containsExactly("b@two.test");
    }

    @Test
    void badRequestsSayWhatIsWrong() {
        SuppressionList list = list(SuppressionSettings.defaults());
        assertThatThrownBy(() -> list.add("someone@example.test", null, null)).isInstanceOf(SuppressionException.class)
                .hasMessageContaining("local domain");
        assertThatThrownBy(() -> list.add("not an address", null, null)).isInstanceOf(SuppressionException.class)
                .hasMessageContaining("not a valid address");
        assertThatThrownBy(() -> list.add("x@elsewhere.test", null, Duration.ZERO)).isInstanceOf(SuppressionException.class)
                .hasMessageContaining("positive");
        assertThat(list.list(null, null, 10)).isEmpty();
    }
}
