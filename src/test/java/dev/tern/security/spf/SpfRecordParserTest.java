package dev.tern.security.spf;

import dev.tern.security.spf.SpfRecord.Directive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Record selection and the record grammar (RFC 7208 §4.5, §4.6.1, §5, §6). */
class SpfRecordParserTest {

    @Test
    void aRecordIsParsedIntoDirectivesAndModifiers() throws Exception {
        SpfRecord record = RecordParser.parse(
                "v=spf1 a/24//64 mx:%{d}/16 -ip6:2001:db8::/32 ?ptr ~all redirect=_spf.example.com exp=exp.%{d} x-note=hi");

        assertThat(record.directives()).extracting(Directive::result).containsExactly(
                SpfResult.PASS, SpfResult.PASS, SpfResult.FAIL, SpfResult.NEUTRAL, SpfResult.SOFTFAIL);
        assertThat(record.directives().get(0).mechanism()).isEqualTo(new Mechanism.A(null, 24, 64));
        Mechanism.Mx mx = (Mechanism.Mx) record.directives().get(1).mechanism();
        assertThat(mx.domain().toString()).isEqualTo("%{d}");
        assertThat(mx.cidr4()).isEqualTo(16);
        assertThat(mx.cidr6()).isEqualTo(128);
        assertThat(((Mechanism.Ip6) record.directives().get(2).mechanism()).prefix()).isEqualTo(32);
        assertThat(record.directives().get(2).text()).isEqualTo("-ip6:2001:db8::/32");
        assertThat(record.redirect().toString()).isEqualTo("_spf.example.com");
        assertThat(record.explanation().toString()).isEqualTo("exp.%{d}");
    }

    @Test
    void namesAreCaseInsensitive() throws Exception {
        SpfRecord record = RecordParser.parse("V=SPF1 IP4:192.0.2.0/24 Include:_spf.example.com REDIRECT=example.net");

        assertThat(record.directives()).hasSize(2);
        assertThat(record.redirect()).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"v=spf1", "v=spf1 -all", "V=Spf1 ~all", "v=spf1  a  -all  "})
    void spfRecordsAreRecognized(String text) {
        assertThat(RecordParser.isSpfRecord(text)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"v=spf10", "v=spf1mx", "spf1 -all", "v=spf2.0/pra -all", " v=spf1 -all", ""})
    void otherTextIsNotAnSpfRecord(String text) {
        assertThat(RecordParser.isSpfRecord(text)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "v=spf1 -all moo",                       // unknown mechanism, even after all
            "v=spf1 ip4:1.2.3.4 redirect:example.com",
            "v=spf1 ip4:192.0.2.01",                 // leading zero
            "v=spf1 ip4:192.0.2.0/33",
            "v=spf1 ip4:192.0.2.0/024",
            "v=spf1 ip6:2001:db8::/129",
            "v=spf1 ip6:2001:db8::/64//64",
            "v=spf1 a/24/64",
            "v=spf1 ptr/24",
            "v=spf1 include",
            "v=spf1 exists:",
            "v=spf1 all:example.com",
            "v=spf1 redirect=a.example.com redirect=b.example.com",
            "v=spf1 exp=a.example.com exp=b.example.com",
            "v=spf1 exp=",
            "v=spf1 1bad=modifier",
            "v=spf1 unknown=%x",
            "v=spf1 a:example.com\t-all",            // terms are separated by spaces only
    })
    void syntaxErrors(String text) {
        assertThatThrownBy(() -> RecordParser.parse(text)).isInstanceOf(SpfSyntaxException.class);
    }
}
