package dev.tern.imap.server;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HeaderSectionsTest {

    @Test
    void keptSectionsAreBoundedInBytesAndTheLeastRecentlyUsedGoFirst() {
        byte[] big = new byte[60 * 1024];
        for (int i = 0; i < 600; i++) {              // 36 MB offered, 32 MB kept at most
            HeaderSections.put("hs-test-" + i, big);
            if (i > 0) {
                HeaderSections.get("hs-test-0");    // keep the first one in use
            }
        }
        assertThat(HeaderSections.get("hs-test-0")).isNotNull();
        assertThat(HeaderSections.get("hs-test-1")).isNull();
        assertThat(HeaderSections.get("hs-test-599")).isSameAs(big);
        HeaderSections.put("hs-test-huge", new byte[65 * 1024]);
        assertThat(HeaderSections.get("hs-test-huge")).isNull();   // too large to be worth keeping
        HeaderSections.clear();
        assertThat(HeaderSections.get("hs-test-0")).isNull();
    }
}
