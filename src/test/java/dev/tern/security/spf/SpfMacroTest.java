package dev.tern.security.spf;

import dev.tern.security.spf.MacroString.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Macro syntax and expansion (RFC 7208 §7), with the examples of §7.4. */
class SpfMacroTest {

    /** §7.4: sender strong-bad@email.example.com, client 192.0.2.3, validated name mx.example.org. */
    private static final MacroValues IPV4 = values("192.0.2.3");
    private static final MacroValues IPV6 = values("2001:db8::cb01");

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "%{s}       | strong-bad@email.example.com",
            "%{o}       | email.example.com",
            "%{d}       | email.example.com",
            "%{d4}      | email.example.com",
            "%{d3}      | email.example.com",
            "%{d2}      | example.com",
            "%{d1}      | com",
            "%{dr}      | com.example.email",
            "%{d2r}     | example.email",
            "%{l}       | strong-bad",
            "%{l-}      | strong.bad",
            "%{lr}      | strong-bad",
            "%{lr-}     | bad.strong",
            "%{l1r-}    | strong",
            "%{ir}.%{v}._spf.%{d2}             | 3.2.0.192.in-addr._spf.example.com",
            "%{lr-}.lp._spf.%{d2}              | bad.strong.lp._spf.example.com",
            "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}   | bad.strong.lp.3.2.0.192.in-addr._spf.example.com",
            "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}  | 3.2.0.192.in-addr.strong.lp._spf.example.com",
            "%{d2}.trusted-domains.example.net | example.com.trusted-domains.example.net",
            "%{p}.%{h}                         | mx.example.org.helo.example.org",
    })
    void rfcExamplesForIpv4(String macro, String expansion) throws Exception {
        assertThat(MacroString.parse(macro, Kind.DOMAIN_SPEC).expand(IPV4)).isEqualTo(expansion);
    }

    @Test
    void ipv6AddressesExpandToNibblesInLowerCase() throws Exception {
        assertThat(MacroString.parse("%{ir}.%{v}._spf.%{d2}", Kind.DOMAIN_SPEC).expand(IPV6))
                .isEqualTo("1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com");
        assertThat(MacroString.parse("%{c} is %{i}", Kind.EXPLANATION).expand(IPV6))
                .isEqualTo("2001:db8::cb01 is 2.0.0.1.0.d.b.8.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.c.b.0.1");
    }

    @Test
    void explanationLettersAndEscapes() throws Exception {
        MacroString text = MacroString.parse("%{c} via %{r} at %{t}: 100%% %{L}%_%-", Kind.EXPLANATION);
        assertThat(text.expand(IPV4)).isEqualTo("192.0.2.3 via mx.receiver.test at 1700000000: 100% strong-bad %20");
    }

    @Test
    void upperCaseLettersAreUrlEscaped() throws Exception {
        MacroValues sender = new MacroValues("~jack&jill=up-a_b3.c@example.com", "~jack&jill=up-a_b3.c", "example.com",
                "example.com", IPV4.ip(), "h.example", "r.example", 0, null);
        assertThat(MacroString.parse("%{L}", Kind.EXPLANATION).expand(sender)).isEqualTo("~jack%26jill%3Dup-a_b3.c");
        assertThat(MacroString.urlEscape("\u00e9 /")).isEqualTo("%C3%A9%20%2F");
    }

    @Test
    void severalDelimitersSplitTogether() throws Exception {
        MacroValues v = new MacroValues("foo-bar+zip+quux@example.com", "foo-bar+zip+quux", "example.com",
                "example.com", IPV4.ip(), "h.example", "r.example", 0, null);
        assertThat(MacroString.parse("%{l2r+-}.user.%{d2}", Kind.DOMAIN_SPEC).expand(v)).isEqualTo("bar.foo.user.example.com");
        assertThat(MacroString.parse("%{l+-}", Kind.DOMAIN_SPEC).expand(v)).isEqualTo("foo.bar.zip.quux");
    }

    @Test
    void theValidatedNameIsUnknownUntilLookedUp() throws Exception {
        MacroString p = MacroString.parse("%{p}.example.com", Kind.DOMAIN_SPEC);
        assertThat(p.usesValidatedName()).isTrue();
        assertThat(p.expand(IPV4.with("email.example.com", null))).isEqualTo("unknown.example.com");
        assertThat(MacroString.parse("%{d}", Kind.DOMAIN_SPEC).usesValidatedName()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "%{d0}.example.com",          // zero parts
            "%{x}.example.com",           // unknown letter
            "%{c}.example.com",           // c, r and t only in explanations
            "%{r}.example.com",
            "%{t}.example.com",
            "%(ir).example.com",          // not %{
            "foo%.example.com",
            "%{d.example.com",            // unterminated
            "%{d2x}.example.com",         // invalid delimiter
            "%{}.example.com",
            "example.com%",
            "museum",                     // no "." before the top label
            "example.123",                // numeric top label
            "example.-com",
            "example.com:8080",
            "exa mple.com",               // space outside an explanation
            "",
    })
    void invalidDomainSpecs(String spec) {
        assertThatThrownBy(() -> MacroString.parse(spec, Kind.DOMAIN_SPEC)).isInstanceOf(SpfSyntaxException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "example.com", "example.com.", "foo:bar/baz.example.com", "%{d}", "%{ir}.%{v}.arpa",
            "_spf.%{d2}", "foo.example.xn--zckzah", "%%", "a.b-c", "%{d}.1a",
    })
    void validDomainSpecs(String spec) throws Exception {
        assertThat(MacroString.parse(spec, Kind.DOMAIN_SPEC).toString()).isEqualTo(spec);
    }

    @Test
    void longNamesAreShortenedFromTheLeftByWholeLabels() {
        String label = "a".repeat(59);
        String name = String.join(".", label, label, label, label, label) + ".example.com."; // 312 characters
        String shortened = DomainNames.forQuery(name);
        assertThat(shortened).hasSizeLessThanOrEqualTo(253).isEqualTo(String.join(".", label, label, label, label) + ".example.com");
        assertThat(DomainNames.forQuery("short.example.com.")).isEqualTo("short.example.com");
    }

    @Test
    void namesWithEmptyOrOverlongLabelsCannotBeQueried() {
        assertThat(DomainNames.toName("a..example.com")).isNull();
        assertThat(DomainNames.toName("a".repeat(64) + ".example.com")).isNull();
        assertThat(DomainNames.toName("macro%percent  space.example.com")).isNotNull();
        assertThat(DomainNames.text(DomainNames.toName("macro%percent  space.example.com.")))
                .isEqualTo("macro%percent  space.example.com");
    }

    @Test
    void ipv6ClientAddressesReadAsRfc5952() throws Exception {
        assertThat(IpAddresses.readable(InetAddress.getByName("2001:db8:0:0:1:0:0:1"))).isEqualTo("2001:db8::1:0:0:1");
        assertThat(IpAddresses.readable(InetAddress.getByName("2001:db8:0:1:1:1:1:1"))).isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(IpAddresses.readable(InetAddress.getByName("::1"))).isEqualTo("::1");
        assertThat(IpAddresses.readable(InetAddress.getByName("fe80::"))).isEqualTo("fe80::");
        assertThat(IpAddresses.readable(InetAddress.getByName("CAFE:BABE::1"))).isEqualTo("cafe:babe::1");
    }

    private static MacroValues values(String ip) {
        try {
            return new MacroValues("strong-bad@email.example.com", "strong-bad", "email.example.com", "email.example.com",
                    InetAddress.getByName(ip), "helo.example.org", "mx.receiver.test", 1_700_000_000L, "mx.example.org");
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
