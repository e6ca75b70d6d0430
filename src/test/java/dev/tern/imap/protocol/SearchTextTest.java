package dev.tern.imap.protocol;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SearchTextTest {

    @Test
    void foldingIgnoresCaseForAsciiAndBeyond() {
        assertThat(SearchText.fold("ZanZIBAR")).isEqualTo("zanzibar");
        assertThat(SearchText.fold("ÄRGER")).isEqualTo(SearchText.fold("ärger"));
        // Upper-casing first makes ß and SS compare equal, as a case-insensitive search expects.
        assertThat(SearchText.fold("Straße")).isEqualTo(SearchText.fold("STRASSE"));
    }

    @Test
    void encodedWordsAreDecodedAndPlainValuesPassUnchanged() {
        assertThat(SearchText.decodeHeader("=?UTF-8?Q?Caf=C3=A9_au_lait?=")).isEqualTo("Café au lait");
        assertThat(SearchText.decodeHeader("Re: =?ISO-8859-1?B?U2No9m4=?= day")).isEqualTo("Re: Schön day");
        assertThat(SearchText.decodeHeader("a = b ? c")).isEqualTo("a = b ? c");
        assertThat(SearchText.decodeHeader(null)).isEmpty();
    }
}
