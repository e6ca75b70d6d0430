package dev.tern.delivery;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The verdict spamtest reads: from the X-Spam-Status field among the fields Tern added on reception. */
class SieveSpamLevelTest {

    @Test
    void theScoreOverTheThresholdFromZeroToOne() {
        assertThat(SieveDelivery.spamLevel("Authentication-Results: x\r\n"
                + "X-Spam-Status: Yes, score=7.50 required=15.00\r\nX-Spamd-Bar: +++\r\n")).isEqualTo(0.5);
        assertThat(SieveDelivery.spamLevel("X-Spam-Status: No, score=-3.10 required=15.00\r\n")).isEqualTo(0.0);
        assertThat(SieveDelivery.spamLevel("X-Spam-Status: Yes, score=40.00 required=15.00\r\n")).isEqualTo(1.0);
        assertThat(SieveDelivery.spamLevel("X-Spam-Status: Yes, score=2.00 required=0.00\r\n")).isEqualTo(1.0);
    }

    @Test
    void noFieldIsNoScan() {
        assertThat(SieveDelivery.spamLevel("Authentication-Results: x\r\n")).isNull();
        assertThat(SieveDelivery.spamLevel(null)).isNull();
    }
}
