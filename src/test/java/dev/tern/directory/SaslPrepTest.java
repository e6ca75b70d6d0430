package dev.tern.directory;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SaslPrepTest {

    @Test
    void rfc4013Examples() {
        assertThat(SaslPrep.prepare("I\u00ADX")).isEqualTo("IX");     // soft hyphen mapped to nothing
        assertThat(SaslPrep.prepare("user")).isEqualTo("user");
        assertThat(SaslPrep.prepare("USER")).isEqualTo("USER");       // case is kept
        assertThat(SaslPrep.prepare("\u00AA")).isEqualTo("a");        // NFKC
        assertThat(SaslPrep.prepare("\u2168")).isEqualTo("IX");       // NFKC
        assertThat(SaslPrep.prepare("\u0007")).isNull();              // prohibited
    }

    @Test
    void nonAsciiSpacesBecomeSpacesAndProhibitedPasswordsAreKept() {
        assertThat(SaslPrep.prepare("a\u00A0b\u3000c")).isEqualTo("a b c");
        assertThat(SaslPrep.prepareOrKeep("bell\u0007")).isEqualTo("bell\u0007");
        assertThat(ScramSecret.derive("I\u00ADX", new byte[]{1}, 4096).storedKey())
                .isEqualTo(ScramSecret.derive("IX", new byte[]{1}, 4096).storedKey());
    }
}
