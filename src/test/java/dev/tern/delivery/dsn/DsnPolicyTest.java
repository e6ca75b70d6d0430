package dev.tern.delivery.dsn;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** RFC 3461 §4.1 NOTIFY, and the rule that the null sender never gets a notification. */
class DsnPolicyTest {

    @Test
    void withoutNotifyFailuresAndDelaysAreReportedButNotSuccess() {
        for (String absent : new String[]{null, "", " "}) {
            assertThat(DsnPolicy.wants(absent, DsnAction.FAILED)).isTrue();
            assertThat(DsnPolicy.wants(absent, DsnAction.DELAYED)).isTrue();
            assertThat(DsnPolicy.wants(absent, DsnAction.DELIVERED)).isFalse();
            assertThat(DsnPolicy.wants(absent, DsnAction.RELAYED)).isFalse();
            assertThat(DsnPolicy.wants(absent, DsnAction.EXPANDED)).isFalse();
        }
    }

    @Test
    void neverSuppressesEveryReport() {
        for (DsnAction action : DsnAction.values()) {
            assertThat(DsnPolicy.wants("NEVER", action)).as("%s", action).isFalse();
        }
    }

    @Test
    void listedValuesAreTheOnlyOnesReported() {
        assertThat(DsnPolicy.wants("SUCCESS", DsnAction.DELIVERED)).isTrue();
        assertThat(DsnPolicy.wants("SUCCESS", DsnAction.RELAYED)).isTrue();
        assertThat(DsnPolicy.wants("SUCCESS", DsnAction.EXPANDED)).isTrue();
        assertThat(DsnPolicy.wants("SUCCESS", DsnAction.FAILED)).isFalse();
        assertThat(DsnPolicy.wants("SUCCESS", DsnAction.DELAYED)).isFalse();

        assertThat(DsnPolicy.wants("FAILURE", DsnAction.FAILED)).isTrue();
        assertThat(DsnPolicy.wants("FAILURE", DsnAction.DELAYED)).isFalse();

        assertThat(DsnPolicy.wants("DELAY", DsnAction.DELAYED)).isTrue();
        assertThat(DsnPolicy.wants("DELAY", DsnAction.FAILED)).isFalse();

        // As the queue stores them: sorted and comma-joined; also tolerate case and spaces.
        assertThat(DsnPolicy.wants("DELAY,FAILURE,SUCCESS", DsnAction.DELIVERED)).isTrue();
        assertThat(DsnPolicy.wants("DELAY,FAILURE", DsnAction.DELIVERED)).isFalse();
        assertThat(DsnPolicy.wants("failure, delay", DsnAction.DELAYED)).isTrue();
    }

    @Test
    void theNullSenderMayNeverBeNotified() {
        assertThat(DsnPolicy.mayNotify(null)).isFalse();
        assertThat(DsnPolicy.mayNotify("")).isFalse();
        assertThat(DsnPolicy.mayNotify("<>")).isFalse();
        assertThat(DsnPolicy.mayNotify("alice@example.org")).isTrue();
    }
}
