package dev.tern.mail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Domains that IDNA conversion would map onto another name are refused where addresses are parsed;
 * valid ones convert as IDNA2008 says.
 */
class IdnaLabelCheckTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "u1@\uFF46\uFF55\uFF5A\uFF5A.test        | U+FF46",   // full-width letters
            "u1@fuzz.\uFF54\uFF45\uFF53\uFF54        | U+FF54",
            "u1@\u212Aey.test                        | U+212A",   // KELVIN SIGN, NFKC: K
            "u1@\u2126mega.test                      | U+2126",   // OHM SIGN, NFKC: GREEK CAPITAL OMEGA
            "u1@\uFB01le.test                        | U+FB01",   // ligature fi
            "u1@fuzz\u3002test                       | U+3002",   // IDEOGRAPHIC FULL STOP
            "u1@fuzz\uFF0Etest                       | U+FF0E",   // FULLWIDTH FULL STOP
            "u1@fuzz\uFF61test                       | U+FF61",   // HALFWIDTH IDEOGRAPHIC FULL STOP
            "u1@fu\u00ADzz.test                      | U+00AD",   // SOFT HYPHEN, dropped by IDNA2003
            "u1@fuzz\uFE0F.test                      | U+FE0F",   // VARIATION SELECTOR-16, dropped
            "u1@fu\u200Bzz.test                      | U+200B",   // ZERO WIDTH SPACE, dropped
            "u1@fu\u200Czz.test                      | U+200C",   // ZWNJ between ASCII letters
            "u1@\u200Db\u00FCcher.test               | U+200D",   // ZWJ at the start of a label
            "u1@\u1FB3\u03B2.test                    | U+1FB3",   // iota subscript, folded to a second letter
            "u1@bu\u0308cher.test                    | NFC",      // decomposed ü
    })
    void mappedDomainsAreRefused(String address, String named) {
        assertThatThrownBy(() -> MailAddress.parse(address)).as(address)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(named);
    }

    @Test
    void theRefusalReachesEveryParserOfDomains() {
        assertThatThrownBy(() -> MailAddress.checkDomain("\uFF46\uFF55\uFF5A\uFF5A.test")).hasMessageContaining("U+FF46");
        assertThatThrownBy(() -> MailAddress.checkDomain("fuzz\u3002test")).hasMessageContaining("U+3002");
    }

    @Test
    void validInternationalisedDomainsConvertAsIdna2008Says() {
        assertThat(MailAddress.parse("j\u00F6ran@b\u00FCcher.example").asciiDomain()).isEqualTo("xn--bcher-kva.example");
        assertThat(MailAddress.parse("j\u00F6ran@B\u00DCCHER.Example").asciiDomain()).isEqualTo("xn--bcher-kva.example");
        assertThat(MailAddress.parse("a@\u4F8B\u5B50.\u6D4B\u8BD5").asciiDomain()).isEqualTo("xn--fsqu00a.xn--0zwm56d");
        // IDNA2008 keeps ß and final sigma (UTS #46 non-transitional): straße.de is not strasse.de,
        // which IDNA2003 (java.net.IDN) made of it, a domain with another owner.
        assertThat(MailAddress.parse("a@stra\u00DFe.example").asciiDomain()).isEqualTo("xn--strae-oqa.example");
        assertThat(MailAddress.parse("a@\u1E9E.example").asciiDomain()).isEqualTo("xn--zca.example");
        assertThat(MailAddress.parse("a@\u03C3\u03BF\u03C6\u03CC\u03C2.example").asciiDomain())
                .isEqualTo("xn--0xagbn4a.example");
        assertThat(MailAddress.parse("a@\u03C3\u03BF\u03C6\u03CC\u03C3.example").asciiDomain())
                .isEqualTo("xn--0xahbl4a.example");
        // Joiners where a script uses them: after a virama (Devanagari), between Arabic letters.
        assertThat(MailAddress.parse("a@\u0915\u094D\u200D\u0937.example").asciiDomain())
                .isEqualTo("xn--11b2ezcw70k.example");
        assertThat(MailAddress.parse("a@\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645.example").asciiDomain())
                .isEqualTo("xn--mgbn2ecje63gr19l.example");
    }
}
