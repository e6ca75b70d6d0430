package dev.tern.delivery;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The delays of the delivery log lines: seconds with two decimals, rounded, whatever the locale. */
class DelaySecondsTest {

    @Test
    void millisecondsAreShownAsSecondsWithTwoDecimalsRounded() {
        assertThat(LocalDeliveryAgent.seconds(0)).isEqualTo("0.00");
        assertThat(LocalDeliveryAgent.seconds(4)).isEqualTo("0.00");
        assertThat(LocalDeliveryAgent.seconds(5)).isEqualTo("0.01");
        assertThat(LocalDeliveryAgent.seconds(94)).isEqualTo("0.09");
        assertThat(LocalDeliveryAgent.seconds(4_314)).isEqualTo("4.31");
        assertThat(LocalDeliveryAgent.seconds(4_315)).isEqualTo("4.32");
        assertThat(LocalDeliveryAgent.seconds(9_999)).isEqualTo("10.00");
        assertThat(LocalDeliveryAgent.seconds(-3)).isEqualTo("0.00");
    }
}
