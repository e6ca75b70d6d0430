package dev.tern.security.authresults;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuthenticationResultsTest {

    @Test
    void oneMethodPerFoldedLine() {
        String field = new AuthenticationResults("mx.example.org")
                .add("spf", "pass", "matched ip4:192.0.2.0/24", "smtp.mailfrom", "bob@example.com")
                .add("dkim", "pass", null, "header.d", "example.com", "header.s", "sel", "header.b", "AbCd+/12")
                .add("dmarc", "fail", "p=reject (dis=quarantine)", "header.from", "example.com")
                .headerField();
        assertThat(field).isEqualTo("Authentication-Results: mx.example.org;\r\n"
                + "\tspf=pass (matched ip4:192.0.2.0/24) smtp.mailfrom=bob@example.com;\r\n"
                + "\tdkim=pass header.d=example.com header.s=sel header.b=\"AbCd+/12\";\r\n"
                + "\tdmarc=fail (p=reject [dis=quarantine]) header.from=example.com\r\n");
    }

    @Test
    void noResultsIsNone() {
        assertThat(new AuthenticationResults("mx").headerField()).isEqualTo("Authentication-Results: mx; none\r\n");
    }

    @Test
    void hostileValuesCannotBreakTheField() {
        String field = new AuthenticationResults("mx")
                .add("spf", "fail", "evil)\r\nX-Injected: yes", "smtp.mailfrom", "a\"b\r\nX: y@z", "smtp.helo", null)
                .headerField();
        assertThat(field.split("\r\n")).hasSize(2);
        assertThat(field).contains("(evil]  X-Injected: yes)").contains("smtp.mailfrom=\"a\\\"bX: y@z\"")
                .doesNotContain("smtp.helo");
    }

    @Test
    void authservIdMustBeAToken() {
        assertThatThrownBy(() -> new AuthenticationResults("bad id")).isInstanceOf(IllegalArgumentException.class);
    }
}
