package dev.tern.forwarding;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SenderRewritingTest {

    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OTHER_SECRET = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);
    /** Epoch day 20788. */
    private static final Instant DEC_1_2026 = Instant.parse("2026-12-01T10:15:00Z");
    private static final String FORWARDER = "fwd.example.net";

    private static SenderRewriting srs(Instant now) {
        return srs(SECRET, now);
    }

    private static SenderRewriting srs(byte[] secret, Instant now) {
        return new SenderRewriting(secret, SenderRewriting.DEFAULT_MAX_AGE_DAYS, Clock.fixed(now, ZoneOffset.UTC));
    }

    private static String localPart(String address) {
        return address.substring(0, address.lastIndexOf('@'));
    }

    private static Optional<String> reverseLater(String rewritten, Duration later) {
        return srs(DEC_1_2026.plus(later)).reverse(localPart(rewritten));
    }

    @Test
    void ordinarySenderRoundTrips() {
        SenderRewriting srs = srs(DEC_1_2026);
        String rewritten = srs.forward("bob", "example.org", FORWARDER);
        assertThat(rewritten).startsWith("SRS0=").endsWith("@" + FORWARDER);
        assertThat(srs.reverse(localPart(rewritten))).contains("bob@example.org");
    }

    @Test
    void rewrittenAddressHasTheExactShape() {
        // 2026-12-01 is epoch day 20788; 20788 mod 1024 = 308 = 9 * 32 + 20, so "J" (9) then "U" (20).
        // The hash, from Python's hmac and base64 modules:
        // b32encode(hmac.new(SECRET, b"juexample.comalice+tag", sha256).digest())[:8] == "EAQGWQ2B".
        String rewritten = srs(DEC_1_2026).forward("Alice+tag", "example.com", FORWARDER);
        assertThat(rewritten).isEqualTo("SRS0=EAQGWQ2B=JU=example.com=Alice+tag@fwd.example.net");
    }

    @Test
    void theDayIsUtcWhateverTheClocksZone() {
        // 23:30 on Dec 1 in UTC is already Dec 2 in Tokyo; the stamp must not depend on that.
        Instant lateEvening = Instant.parse("2026-12-01T23:30:00Z");
        SenderRewriting tokyo = new SenderRewriting(SECRET, 21, Clock.fixed(lateEvening, ZoneId.of("Asia/Tokyo")));
        assertThat(tokyo.forward("Alice+tag", "example.com", FORWARDER))
                .isEqualTo("SRS0=EAQGWQ2B=JU=example.com=Alice+tag@fwd.example.net");
    }

    @Test
    void localPartWithEqualsAndPlusRoundTrips() {
        SenderRewriting srs = srs(DEC_1_2026);
        for (String local : new String[]{"a=b", "a+b", "=x=y=", "list+bounces=user=example.org", "Mixed.Case"}) {
            String rewritten = srs.forward(local, "Example.org", FORWARDER);
            assertThat(srs.reverse(localPart(rewritten))).as(local).contains(local + "@Example.org");
        }
    }

    @Test
    void reversingIgnoresTheCaseOfPrefixAndHash() {
        SenderRewriting srs = srs(DEC_1_2026);
        String local = localPart(srs.forward("Bob", "example.org", FORWARDER));
        String hash = local.substring(5, 13);
        String lowerPrefixAndHash = "srs0=" + hash.toLowerCase(Locale.ROOT) + local.substring(13);
        assertThat(srs.reverse(lowerPrefixAndHash)).contains("Bob@example.org");
        assertThat(srs.reverse(local.toLowerCase(Locale.ROOT))).contains("bob@example.org");
        assertThat(srs.reverse(local.toUpperCase(Locale.ROOT))).contains("BOB@EXAMPLE.ORG");
    }

    @Test
    void plusAndMinusAreAcceptedAsTheFirstSeparator() {
        SenderRewriting srs = srs(DEC_1_2026);
        String local = localPart(srs.forward("bob", "example.org", FORWARDER));
        assertThat(srs.reverse("SRS0+" + local.substring(5))).contains("bob@example.org");
        assertThat(srs.reverse("SRS0-" + local.substring(5))).contains("bob@example.org");
        assertThat(srs.reverse("SRS0*" + local.substring(5))).isEmpty();
    }

    @Test
    void tamperingIsRefused() {
        SenderRewriting srs = srs(DEC_1_2026);
        String local = localPart(srs.forward("bob", "example.org", FORWARDER));
        char first = local.charAt(5);
        String otherHash = "SRS0=" + (first == 'A' ? 'B' : 'A') + local.substring(6);
        assertThat(srs.reverse(otherHash)).isEmpty();
        assertThat(srs.reverse(local.replace("=bob", "=eve"))).isEmpty();
        assertThat(srs.reverse(local.replace("example.org", "example.net"))).isEmpty();
        assertThat(srs.reverse(local.replace("=JU=", "=JV="))).isEmpty();
        assertThat(srs.reverse(local.substring(0, 12) + local.substring(13))).as("shortened hash").isEmpty();
        assertThat(srs.reverse(local + "x")).isEmpty();
    }

    @Test
    void theStampExpiresAfterMaxAgeDays() {
        String rewritten = srs(DEC_1_2026).forward("bob", "example.org", FORWARDER);
        assertThat(reverseLater(rewritten, Duration.ofDays(21))).contains("bob@example.org");
        assertThat(reverseLater(rewritten, Duration.ofDays(22))).isEmpty();
        assertThat(reverseLater(rewritten, Duration.ofDays(400))).isEmpty();
    }

    @Test
    void aStampFromTheFutureIsRefused() {
        String rewritten = srs(DEC_1_2026).forward("bob", "example.org", FORWARDER);
        assertThat(reverseLater(rewritten, Duration.ofDays(-5))).isEmpty();
        assertThat(reverseLater(rewritten, Duration.ofDays(-30))).isEmpty();
    }

    @Test
    void aShorterMaxAgeIsHonoured() {
        String rewritten = srs(DEC_1_2026).forward("bob", "example.org", FORWARDER);
        Clock fourDaysLater = Clock.fixed(DEC_1_2026.plus(Duration.ofDays(4)), ZoneOffset.UTC);
        assertThat(new SenderRewriting(SECRET, 4, fourDaysLater).reverse(localPart(rewritten))).isPresent();
        assertThat(new SenderRewriting(SECRET, 3, fourDaysLater).reverse(localPart(rewritten))).isEmpty();
    }

    @Test
    void theDayNumberWrapsAroundAt1024() {
        // Epoch day 20476 = 19 * 1024 + 1020: slot 1020 = 31 * 32 + 28, "7" then "4".
        Instant slot1020 = Instant.parse("2026-01-23T12:00:00Z");
        String rewritten = srs(slot1020).forward("bob", "example.org", FORWARDER);
        assertThat(rewritten).contains("=74=example.org=");
        // Ten days on is slot 6 of the next round, stamped "AG".
        Instant tenDaysOn = slot1020.plus(Duration.ofDays(10));
        assertThat(srs(tenDaysOn).forward("bob", "example.org", FORWARDER)).contains("=AG=example.org=");
        assertThat(srs(tenDaysOn).reverse(localPart(rewritten))).contains("bob@example.org");
        assertThat(srs(slot1020.plus(Duration.ofDays(22))).reverse(localPart(rewritten))).isEmpty();
        // A full round later the stamp reads as fresh again: that is why the age is capped well below 1024.
        assertThat(srs(slot1020.plus(Duration.ofDays(1024))).reverse(localPart(rewritten))).isPresent();
    }

    @Test
    void srs0OfAnotherForwarderBecomesSrs1PointingBackToIt() {
        String theirs = "SRS0=ABCDEFGH=JU=example.com=bob";
        String rewritten = srs(DEC_1_2026).forward(theirs, "orig.example", FORWARDER);
        // b32encode(hmac.new(SECRET, b"orig.example=abcdefgh=ju=example.com=bob", sha256).digest())[:8]
        assertThat(rewritten).isEqualTo("SRS1=7G2WPWKT=orig.example==ABCDEFGH=JU=example.com=bob@fwd.example.net");
        // No stamp in SRS1: it is reversed whenever, and the first forwarder checks its own stamp.
        assertThat(reverseLater(rewritten, Duration.ofDays(300))).contains(theirs + "@orig.example");
        assertThat(srs(DEC_1_2026).reverse(localPart(rewritten).toLowerCase(Locale.ROOT)))
                .contains("SRS0" + theirs.substring(4).toLowerCase(Locale.ROOT) + "@orig.example");
    }

    @Test
    void srs0WithAnotherSeparatorKeepsItInSrs1() {
        String theirs = "srs0+abcd=JU=example.com=bob";
        String rewritten = srs(DEC_1_2026).forward(theirs, "orig.example", FORWARDER);
        assertThat(rewritten).matches("SRS1=[A-Z2-7]{8}=orig\\.example=\\+abcd=JU=example\\.com=bob@fwd\\.example\\.net");
        assertThat(srs(DEC_1_2026).reverse(localPart(rewritten))).contains("SRS0+abcd=JU=example.com=bob@orig.example");
    }

    @Test
    void srs1ForwardedAgainKeepsTheFirstForwarder() {
        String first = srs(OTHER_SECRET, DEC_1_2026).forward("bob", "example.com", "orig.example");
        String second = srs(OTHER_SECRET, DEC_1_2026).forward(localPart(first), "orig.example", "hop2.example");
        assertThat(second).startsWith("SRS1=").contains("=orig.example==");

        String third = srs(DEC_1_2026).forward(localPart(second), "hop2.example", FORWARDER);
        String opaque = localPart(first).substring(4);
        assertThat(third).matches("SRS1=[A-Z2-7]{8}=orig\\.example=" + Pattern.quote(opaque) + "@fwd\\.example\\.net");
        assertThat(third.substring(5, 13)).isNotEqualTo(second.substring(5, 13));
        assertThat(srs(DEC_1_2026).reverse(localPart(third))).contains(first);
        // And the first forwarder takes the bounce from there.
        assertThat(srs(OTHER_SECRET, DEC_1_2026).reverse(localPart(first))).contains("bob@example.com");
    }

    @Test
    void aBrokenSrs1SenderIsWrappedAsAnOrdinaryOne() {
        SenderRewriting srs = srs(DEC_1_2026);
        for (String local : new String[]{"SRS1=abc", "SRS1==x", "SRS1=H=nodot=x", "SRS1=H=orig.example=", "SRS0="}) {
            String rewritten = srs.forward(local, "example.org", FORWARDER);
            assertThat(rewritten).as(local).startsWith("SRS0=");
            assertThat(srs.reverse(localPart(rewritten))).as(local).contains(local + "@example.org");
        }
    }

    @Test
    void anotherSecretCannotReverse() {
        String rewritten = srs(DEC_1_2026).forward("bob", "example.org", FORWARDER);
        assertThat(srs(OTHER_SECRET, DEC_1_2026).reverse(localPart(rewritten))).isEmpty();
        String srs1 = srs(DEC_1_2026).forward("SRS0=ABCDEFGH=JU=example.com=bob", "orig.example", FORWARDER);
        assertThat(srs(OTHER_SECRET, DEC_1_2026).reverse(localPart(srs1))).isEmpty();
    }

    @Test
    void malformedInputIsRefusedWithoutThrowing() {
        SenderRewriting srs = srs(DEC_1_2026);
        String good = localPart(srs.forward("bob", "example.org", FORWARDER));
        String hash = good.substring(5, 13);
        String[] bad = {
                "", "bob", "SRS0", "SRS0=", "SRS0=abc", "SRS1=", "SRS1==x", "SRS1=abc", "SRS2=" + good.substring(5),
                "SRS0=HHHHHHHH=TT=dom", "SRS0=HHHHHHHH=JU=example.org", "SRS0=" + hash + "=JU=example.org=",
                "SRS0==JU=example.org=bob", "SRS0=" + hash + "==example.org=bob", "SRS0=" + hash + "=J=example.org=bob",
                "SRS0=" + hash + "=J1=example.org=bob", "SRS0=" + hash + "=JUU=example.org=bob",
                "SRS0=" + hash + "=JU==bob", "SRS0=" + hash + "=JU=localhost=bob", "SRS0=" + hash + "=JU=exa_mple.org=bob",
                "SRS0=" + hash + "=JU=-example.org=bob", "SRS0=" + hash + "=JU=example..org=bob",
                "SRS0=" + hash + "=JU=example.org.=bob", "SRS0=" + hash + "=JU=[192.0.2.1]=bob",
                "SRS0=" + hash + "=JU=ex\u00e4mple.org=bob", good.replace("bob", "b\u00f6b"),
                good + "\r\nRCPT TO:<victim@example.net>", good + "\n", good.replace("bob", "b b"),
                good.replace("bob", "<bob>"), good + "\u0000", good + "\u007f",
                "SRS1==orig.example==x", "SRS1=H==x", "SRS1=H=orig.example=x", "SRS1=H=orig.example==",
                "SRS1=H=nodot==x", "SRS1=H=orig.example", "SRS0=\u00e9=JU=example.org=bob",
        };
        for (String input : bad) {
            assertThatCode(() -> assertThat(srs.reverse(input)).as(input).isEmpty()).as(input).doesNotThrowAnyException();
        }
        assertThat(srs.reverse(null)).isEmpty();
    }

    @Test
    void isRewrittenLooksAtThePrefixOnly() {
        for (String yes : new String[]{"SRS0=x", "srs0=HASH=TT=d=l", "SRS1=x", "Srs1=", "SRS0+x", "SRS0-x", "SRS0="}) {
            assertThat(SenderRewriting.isRewritten(yes)).as(yes).isTrue();
        }
        for (String no : new String[]{"", "SRS0", "SRS1", "SRS2=x", "SRS0*x", "bob", "xSRS0=a", "SRS=0", null}) {
            assertThat(SenderRewriting.isRewritten(no)).as(no).isFalse();
        }
    }

    @Test
    void forwardRefusesWhatCouldNotComeBack() {
        SenderRewriting srs = srs(DEC_1_2026);
        assertThatThrownBy(() -> srs.forward("", "example.org", FORWARDER)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> srs.forward("b\u00f6b", "example.org", FORWARDER)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> srs.forward("bob\r\nDATA", "example.org", FORWARDER)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> srs.forward("bob", "localhost", FORWARDER)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> srs.forward("bob", "[192.0.2.1]", FORWARDER)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> srs.forward("bob", "example.org", "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> srs.forward("bob", "example.org", "a@b")).isInstanceOf(IllegalArgumentException.class);
        assertThat(srs.forward("bob", "xn--bcher-kva.example", FORWARDER)).contains("=xn--bcher-kva.example=bob@");
    }

    @Test
    void secretAndMaxAgeAreValidated() {
        Clock clock = Clock.fixed(DEC_1_2026, ZoneOffset.UTC);
        assertThatThrownBy(() -> new SenderRewriting(new byte[15], 21, clock)).isInstanceOf(IllegalArgumentException.class);
        assertThatCode(() -> new SenderRewriting(new byte[16], 21, clock)).doesNotThrowAnyException();
        assertThatThrownBy(() -> new SenderRewriting(SECRET, 0, clock)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SenderRewriting(SECRET, 1001, clock)).isInstanceOf(IllegalArgumentException.class);
        assertThatCode(() -> new SenderRewriting(SECRET, 1000, clock)).doesNotThrowAnyException();
    }

    @Test
    void theSecretIsCopied() {
        byte[] secret = SECRET.clone();
        SenderRewriting srs = new SenderRewriting(secret, 21, Clock.fixed(DEC_1_2026, ZoneOffset.UTC));
        String rewritten = srs.forward("bob", "example.org", FORWARDER);
        Arrays.fill(secret, (byte) 0);
        assertThat(srs.reverse(localPart(rewritten))).contains("bob@example.org");
    }
}
