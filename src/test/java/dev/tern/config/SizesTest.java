package dev.tern.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SizesTest {

    @Test
    void sizesAreReadAsInTheConfigurationFile() {
        assertThat(Sizes.parse("0")).isZero();
        assertThat(Sizes.parse("26214400")).isEqualTo(26214400L);
        assertThat(Sizes.parse("500KB")).isEqualTo(500L * 1024);
        assertThat(Sizes.parse("500 mb")).isEqualTo(500L * 1024 * 1024);
        assertThat(Sizes.parse("2GiB")).isEqualTo(2L * 1024 * 1024 * 1024);
        assertThat(Sizes.parse(" 7b ")).isEqualTo(7L);
        for (String bad : new String[]{"", "lots", "-1", "1.5GB", "2TB", "99999999999999999999", "9999999999999GB"}) {
            assertThatThrownBy(() -> Sizes.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void sizesAreWrittenForPeople() {
        assertThat(Sizes.format(0)).isEqualTo("0 B");
        assertThat(Sizes.format(1023)).isEqualTo("1023 B");
        assertThat(Sizes.format(1536)).isEqualTo("1.5 KB");
        assertThat(Sizes.format(500L * 1024 * 1024)).isEqualTo("500 MB");
        assertThat(Sizes.format(2L * 1024 * 1024 * 1024)).isEqualTo("2 GB");
    }
}
