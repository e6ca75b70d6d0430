package dev.tern.mailbox;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FlagsTest {

    @Test
    void systemFlagsAndKeywordsRoundTripThroughTheirStoredForm() {
        Flags f = Flags.of("\\SEEN", "\\Deleted", "$Label", "work", "WORK");
        assertThat(f.names()).containsExactly("\\Seen", "\\Deleted", "$Label", "work");
        Flags back = Flags.fromStored(f.systemBits(), f.keywordText());
        assertThat(back).isEqualTo(f);
        assertThat(back.has(SystemFlag.DELETED)).isTrue();
        assertThat(back.hasKeyword("Work")).isTrue();
        assertThat(Flags.fromStored(0, "")).isEqualTo(Flags.NONE);
    }

    @Test
    void operationsAddRemoveAndReplace() {
        Flags f = Flags.of("\\Seen", "a");
        assertThat(f.apply(FlagOperation.ADD, Flags.of("\\Flagged", "b")).names())
                .containsExactly("\\Seen", "\\Flagged", "a", "b");
        assertThat(f.apply(FlagOperation.REMOVE, Flags.of("\\Seen", "A")).isEmpty()).isTrue();
        assertThat(f.apply(FlagOperation.REPLACE, Flags.of("\\Draft"))).isEqualTo(Flags.of(SystemFlag.DRAFT));
    }

    @Test
    void recentAndNonAtomsAreRefused() {
        assertThatThrownBy(() -> Flags.of("\\Recent")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Flags.of("two words")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Flags.of("br]acket")).isInstanceOf(IllegalArgumentException.class);
    }
}
