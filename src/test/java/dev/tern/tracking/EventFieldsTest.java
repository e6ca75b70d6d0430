package dev.tern.tracking;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EventFieldsTest {

    @Test
    void fieldsWithEveryCharacterThatNeedsEscapingComeBackAsWritten() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("reply", "550 5.1.1 <bob@example.net>: \"no such user\"\r\n\tsee C:\\mail");
        fields.put("controls", "a\u0000b\u001fc\u2028d\u2029e");
        fields.put("utf8", "délivré à Zoë 📬");
        fields.put("empty", "");
        String json = EventFields.toJson(fields);
        assertThat(json).doesNotContain("\r", "\n", "\u0000", "\u2028");
        assertThat(EventFields.fromJson(json)).containsExactlyEntriesOf(fields);
        assertThat(EventFields.toJson(Map.of())).isEqualTo("{}");
    }

    @Test
    void delaysHaveThreeDecimals() {
        assertThat(DeliveryTracker.seconds(0)).isEqualTo("0.000");
        assertThat(DeliveryTracker.seconds(7)).isEqualTo("0.007");
        assertThat(DeliveryTracker.seconds(45)).isEqualTo("0.045");
        assertThat(DeliveryTracker.seconds(12_345)).isEqualTo("12.345");
        assertThat(DeliveryTracker.seconds(86_400_000L)).isEqualTo("86400.000");
    }
}
