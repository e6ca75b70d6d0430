package dev.tern.security.dmarc;

import dev.tern.security.dkim.HeaderField;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/** The RFC5322.From domain of RFC 7489 §6.6.1, and the messages that have none. */
class DmarcAuthorDomainTest {

    @Test
    void theDomainOfTheOneFromAddress() {
        assertThat(author("From: Alice <alice@Example.COM>")).isEqualTo(new AuthorDomain("example.com", null));
        assertThat(author("From: alice@example.com (Alice)")).isEqualTo(AuthorDomain.of("example.com"));
        assertThat(author("From: \"Smith, Alice\"\r\n <alice@mail.example.com>")).isEqualTo(AuthorDomain.of("mail.example.com"));
        assertThat(author("From: =?UTF-8?Q?J=C3=BCrgen?= <j@example.org.>")).isEqualTo(AuthorDomain.of("example.org"));
        assertThat(author("From: a@example.com, b@EXAMPLE.com")).isEqualTo(AuthorDomain.of("example.com"));
        assertThat(author("From: team: a@example.com, b@example.com;")).isEqualTo(AuthorDomain.of("example.com"));
    }

    @Test
    void internationalizedAddressesGiveALabels() {
        HeaderField from = field(new String("From: Jürgen <jürgen@bücher.example>"
                .getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
        assertThat(DmarcVerifier.authorDomain(List.of(from)).domain()).isEqualTo("xn--bcher-kva.example");
    }

    @Test
    void messagesWithoutAUsableAuthorDomain() {
        assertThat(DmarcVerifier.authorDomain(List.of(field("Subject: hi"))).problem()).isEqualTo("no From field");
        assertThat(author("From: a@example.com", "From: b@example.com").problem()).isEqualTo("several From fields");
        assertThat(author("From: a@example.com, b@example.org").problem()).isEqualTo("From has addresses in several domains");
        assertThat(author("From: undisclosed-recipients:;").problem()).isEqualTo("From has no address");
        assertThat(author("From: ").problem()).isEqualTo("From has no address");
        assertThat(author("From: alice@[192.0.2.1]").problem()).startsWith("From domain is not a domain name");
        assertThat(author("From: <<<").found()).isFalse();
    }

    private static AuthorDomain author(String... fields) {
        List<HeaderField> headers = new ArrayList<>();
        headers.add(field("Subject: s"));
        for (String f : fields) {
            headers.add(field(f));
        }
        return DmarcVerifier.authorDomain(headers);
    }

    /** A field as the DKIM verifier keeps it: octets one char each, the name in lower case. */
    private static HeaderField field(String raw) {
        return new HeaderField(raw.substring(0, raw.indexOf(':')).trim().toLowerCase(Locale.ROOT), raw);
    }
}
