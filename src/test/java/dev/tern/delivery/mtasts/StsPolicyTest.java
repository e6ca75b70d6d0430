package dev.tern.delivery.mtasts;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** RFC 8461 §3.1 records, §3.2 policy files and §4.1 MX host matching. */
class StsPolicyTest {

    @Test
    void parsesThePolicyOfTheRfc() {
        StsPolicy p = StsPolicy.parse("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\n"
                + "mx: backupmx.example.com\r\nmax_age: 604800\r\n");
        assertThat(p.mode()).isEqualTo(StsPolicy.Mode.ENFORCE);
        assertThat(p.mx()).containsExactly("mail.example.com", "*.example.net", "backupmx.example.com");
        assertThat(p.maxAge()).isEqualTo(Duration.ofDays(7));
        // LF alone, spaces around values, unknown keys, upper case host names and a trailing dot.
        StsPolicy q = StsPolicy.parse("version: STSv1\nmode:testing \nfuture_key: x\nmx: MX.Example.ORG.\nmax_age: 9999999999\n");
        assertThat(q.mode()).isEqualTo(StsPolicy.Mode.TESTING);
        assertThat(q.mx()).containsExactly("mx.example.org");
        assertThat(q.maxAge().toSeconds()).isEqualTo(31_557_600);   // capped at about a year
        assertThat(StsPolicy.parse("version: STSv1\nmode: none\nmax_age: 0\n").mode()).isEqualTo(StsPolicy.Mode.NONE);
    }

    @Test
    void refusesWhatIsNotAValidPolicy() {
        assertThatThrownBy(() -> StsPolicy.parse("mode: enforce\nmx: a.example\nmax_age: 1\n")).hasMessage("no version");
        assertThatThrownBy(() -> StsPolicy.parse("version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1\n"))
                .hasMessage("version is not STSv1");
        assertThatThrownBy(() -> StsPolicy.parse("version: STSv1\nmode: strict\nmx: a.example\nmax_age: 1\n"))
                .hasMessageContaining("unknown mode");
        assertThatThrownBy(() -> StsPolicy.parse("version: STSv1\nmode: enforce\nmax_age: 1\n")).hasMessage("no mx");
        assertThatThrownBy(() -> StsPolicy.parse("version: STSv1\nmode: enforce\nmx: a.example\n")).hasMessage("no max_age");
        assertThatThrownBy(() -> StsPolicy.parse("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -1\n"))
                .hasMessageContaining("max_age");
        assertThatThrownBy(() -> StsPolicy.parse("version: STSv1\nmode: enforce\nmx: mail.*.example\nmax_age: 1\n"))
                .hasMessageContaining("not an MX host pattern");
        assertThatThrownBy(() -> StsPolicy.parse("<html>not found</html>")).hasMessageContaining("not a key: value line");
        assertThatThrownBy(() -> StsPolicy.parse("version: STSv1\nmode: enforce\nmode: testing\nmx: a.example\nmax_age: 1\n"))
                .hasMessage("mode given twice");
    }

    @Test
    void aWildcardStandsForExactlyOneLabel() {
        StsPolicy p = new StsPolicy(StsPolicy.Mode.ENFORCE, List.of("mail.example.com", "*.example.net"), Duration.ZERO);
        assertThat(p.permits("mail.example.com")).isTrue();
        assertThat(p.permits("MAIL.example.com.")).isTrue();
        assertThat(p.permits("mx1.example.net")).isTrue();
        assertThat(p.permits("example.net")).isFalse();
        assertThat(p.permits("a.b.example.net")).isFalse();
        assertThat(p.permits("other.example.com")).isFalse();
        assertThat(p.permits("mail.example.com.evil.test")).isFalse();
    }

    @Test
    void theIdOfTheOneStsRecord() {
        assertThat(StsPolicy.policyId(List.of("v=STSv1; id=20160831085700Z;"))).isEqualTo("20160831085700Z");
        assertThat(StsPolicy.policyId(List.of("v=spf1 -all", "v=STSv1;id=abc"))).isEqualTo("abc");
        // Two STS records, none, an invalid id, or another version: no policy.
        assertThat(StsPolicy.policyId(List.of("v=STSv1; id=1", "v=STSv1; id=2"))).isNull();
        assertThat(StsPolicy.policyId(List.of("v=spf1 -all"))).isNull();
        assertThat(StsPolicy.policyId(List.of("v=STSv1; id=not-valid"))).isNull();
        assertThat(StsPolicy.policyId(List.of("v=STSv1; id=" + "x".repeat(33)))).isNull();
        assertThat(StsPolicy.policyId(List.of("v=STSv10; id=1"))).isNull();
    }
}
