package dev.tern.store.embedded;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SqliteBatchSizeTest {

    @Test
    void fewWaitingWritesGoTogetherManyAreHalvedAndNoBatchExceedsTheBound() {
        assertThat(SqliteMetadataStore.batchSize(1)).isEqualTo(1);
        assertThat(SqliteMetadataStore.batchSize(5)).isEqualTo(5);
        assertThat(SqliteMetadataStore.batchSize(6)).isEqualTo(3);
        assertThat(SqliteMetadataStore.batchSize(7)).isEqualTo(4);
        assertThat(SqliteMetadataStore.batchSize(100)).isEqualTo(50);
        assertThat(SqliteMetadataStore.batchSize(5000)).isEqualTo(512);
    }
}
