package dev.tern.mail;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MailAddressTest {

    @Test
    void parsesOrdinaryAddresses() {
        MailAddress a = MailAddress.parse("John.Doe+tag@Example.TEST");
        assertThat(a.localPart()).isEqualTo("John.Doe+tag");
        assertThat(a.domain()).isEqualTo("example.test");
        assertThat(a.key()).isEqualTo("john.doe+tag@example.test");
        assertThat(a.withoutTag('+').key()).isEqualTo("john.doe@example.test");
        assertThat(a.needsUtf8()).isFalse();
    }

    @Test
    void acceptsQuotedLocalPartsAndAddressLiterals() {
        assertThat(MailAddress.parse("\"john doe\"@example.test").localPart()).isEqualTo("\"john doe\"");
        assertThat(MailAddress.parse("postmaster@[192.0.2.1]").domain()).isEqualTo("[192.0.2.1]");
        assertThat(MailAddress.parse("a@[IPv6:2001:db8::1]").domain()).isEqualTo("[ipv6:2001:db8::1]");
    }

    @Test
    void quotesALocalPartDoesNotNeedAreDropped() {
        assertThat(MailAddress.parse("\"alice\"@example.test")).isEqualTo(MailAddress.parse("alice@example.test"));
        assertThat(MailAddress.parse("\"Alice.Smith+tag\"@example.test").toString())
                .isEqualTo("Alice.Smith+tag@example.test");
        assertThat(MailAddress.parse("\"\\a\\l\\i\\c\\e\"@example.test").localPart()).isEqualTo("alice");
        assertThat(MailAddress.parse("\"j\u00f6ran\"@example.test").localPart()).isEqualTo("j\u00f6ran");
        // Those that need them keep them: a space, an @ (no relaying through a quoted address),
        // misplaced dots, an empty local part.
        assertThat(MailAddress.parse("\"bob@remote.test\"@example.test").localPart()).isEqualTo("\"bob@remote.test\"");
        assertThat(MailAddress.parse("\"a b\"@example.test").localPart()).isEqualTo("\"a b\"");
        assertThat(MailAddress.parse("\".alice\"@example.test").localPart()).isEqualTo("\".alice\"");
        assertThat(MailAddress.parse("\"a..b\"@example.test").localPart()).isEqualTo("\"a..b\"");
        assertThat(MailAddress.parse("\"\"@example.test").localPart()).isEqualTo("\"\"");
        assertThat(MailAddress.parse("\"a\\\"b\"@example.test").localPart()).isEqualTo("\"a\\\"b\"");
    }

    @Test
    void internationalisedAddresses() {
        MailAddress a = MailAddress.parse("用户@例子.测试");
        assertThat(a.needsUtf8()).isTrue();
        assertThat(a.asciiDomain()).isEqualTo("xn--fsqu00a.xn--0zwm56d");
        assertThat(MailAddress.parse("jöran@bücher.example").asciiDomain()).isEqualTo("xn--bcher-kva.example");
    }

    @Test
    void rejectsMalformedAddresses() {
        assertThatThrownBy(() -> MailAddress.parse("nodomain")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MailAddress.parse("@example.test")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MailAddress.parse("a..b@example.test")).hasMessageContaining("dot");
        assertThatThrownBy(() -> MailAddress.parse("a b@example.test")).hasMessageContaining("not allowed");
        assertThatThrownBy(() -> MailAddress.parse("a@exa mple.test")).hasMessageContaining("not allowed");
        assertThatThrownBy(() -> MailAddress.parse("a@-example.test")).hasMessageContaining("hyphen");
        assertThatThrownBy(() -> MailAddress.parse("a@example..test")).hasMessageContaining("empty label");
        assertThatThrownBy(() -> MailAddress.parse("x".repeat(65) + "@example.test")).hasMessageContaining("64");
        assertThatThrownBy(() -> MailAddress.parse("a@[300.1.1.1]")).hasMessageContaining("address literal");
        assertThatThrownBy(() -> MailAddress.parse("a\u0000b@example.test")).hasMessageContaining("0x00");
    }

    @Test
    void checksADomainOnItsOwnAsInAnAddress() {
        MailAddress.checkDomain("relay.example");
        MailAddress.checkDomain("[192.0.2.1]");
        assertThatThrownBy(() -> MailAddress.checkDomain("a b")).hasMessageContaining("not allowed");
        assertThatThrownBy(() -> MailAddress.checkDomain("a..b")).hasMessageContaining("empty label");
        assertThatThrownBy(() -> MailAddress.checkDomain("")).hasMessageContaining("empty label");
    }

    @Test
    void equalityIgnoresCase() {
        assertThat(MailAddress.parse("A@X.TEST")).isEqualTo(MailAddress.parse("a@x.test"));
    }
}
