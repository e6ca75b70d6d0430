package dev.tern.store;

import dev.tern.store.embedded.EmbeddedStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SqliteMetadataStoreTest extends MetadataStoreContract {

    @TempDir
    Path dir;

    @Override
    protected MetadataStore open() {
        return EmbeddedStore.openMetadata(dir, 4);
    }

    @Override
    protected MetadataStore reopen() {
        return open();
    }

    /** The enabled webhooks as a write transaction of {@code s} sees them. */
    private static List<Rows.Webhook> enabledInWrite(MetadataStore s) {
        return s.writeAndWait(tx -> tx.webhooks().enabledWebhooks());
    }

    @Test
    void aWebhookAddedByAnotherProcessOnTheSameFileIsSeenByTheNextWrite() {
        try (MetadataStore server = open(); MetadataStore commandLine = open()) {
            assertThat(enabledInWrite(server)).isEmpty();
            Rows.Webhook w = new Rows.Webhook("w1", "https://hooks.example/a", "whsec_a", List.of("bounced"),
                    List.of(), true, Instant.parse("2026-01-01T00:00:00Z"));
            commandLine.writeAndWait(tx -> {
                tx.webhooks().insertWebhook(w);
                return null;
            });
            assertThat(enabledInWrite(server)).containsExactly(w);
            commandLine.writeAndWait(tx -> tx.webhooks().deleteWebhook("w1"));
            assertThat(enabledInWrite(server)).isEmpty();
        }
    }
}
