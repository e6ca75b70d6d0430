package dev.tern.store.postgres;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The parts of the signals and the store that need no database. */
class NotifySignalsTest {

    @Test
    void aNodeDropsItsOwnSignalsAndPassesOnOthersAndHandTypedOnes() {
        String me = NotifySignals.newNodeId();
        String other = NotifySignals.newNodeId();
        assertThat(me).hasSize(16).isNotEqualTo(other).matches("[0-9a-f]{16}");
        assertThat(NotifySignals.fromOthers(me, me + ":N 1 2 3 4")).isNull();
        assertThat(NotifySignals.fromOthers(me, other + ":N 1 2 3 4")).isEqualTo("N 1 2 3 4");
        assertThat(NotifySignals.fromOthers(me, other + ":")).isEmpty();
        assertThat(NotifySignals.fromOthers(me, "flush")).isEqualTo("flush");
        assertThat(NotifySignals.fromOthers(me, "a:b")).isEqualTo("a:b");
    }

    @Test
    void channelsAreLowerCaseIdentifiers() {
        assertThat(NotifySignals.checkChannel("tern_mailbox")).isEqualTo("tern_mailbox");
        assertThat(NotifySignals.checkChannel("_x9")).isEqualTo("_x9");
        for (String bad : new String[]{"", "9lives", "Tern", "a-b", "a b", "a;", "\"a\"", "x".repeat(64)}) {
            assertThatThrownBy(() -> NotifySignals.checkChannel(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> NotifySignals.checkChannel(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void passwordsInAUrlAreNotShown() {
        assertThat(PostgresMetadataStore.shown("jdbc:postgresql://db/tern?user=t&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://db/tern?user=t&password=***&ssl=true");
        assertThat(PostgresMetadataStore.shown("jdbc:postgresql://db/tern?PASSWORD=x"))
                .isEqualTo("jdbc:postgresql://db/tern?PASSWORD=***");
        assertThat(PostgresMetadataStore.shown("jdbc:postgresql://db/tern")).isEqualTo("jdbc:postgresql://db/tern");
    }
}
