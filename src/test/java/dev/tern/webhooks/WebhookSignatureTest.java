package dev.tern.webhooks;

import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookSignatureTest {

    private static final String SECRET = "whsec_test-secret";
    private static final byte[] BODY = "{\"id\":\"d1\",\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void theHeaderIsTheHmacOfTheTimestampAndBody() throws Exception {
        String header = WebhookSignature.header(SECRET, 1_700_000_000L, BODY);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update("1700000000.".getBytes(StandardCharsets.US_ASCII));
        assertThat(header).isEqualTo("t=1700000000,v1=" + HexFormat.of().formatHex(mac.doFinal(BODY)));
    }

    @Test
    void verifyAcceptsAFreshSignatureOnly() {
        Instant now = Instant.ofEpochSecond(1_700_000_000L);
        String header = WebhookSignature.header(SECRET, now.getEpochSecond(), BODY);
        Duration tolerance = WebhookSignature.DEFAULT_TOLERANCE;
        assertThat(WebhookSignature.verify(SECRET, header, BODY, now.plusSeconds(60), tolerance)).isTrue();
        assertThat(WebhookSignature.verify(SECRET, header, BODY, now.plusSeconds(301), tolerance)).isFalse();
        assertThat(WebhookSignature.verify("whsec_other", header, BODY, now, tolerance)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, header, "{}".getBytes(StandardCharsets.UTF_8), now, tolerance))
                .isFalse();
        // A replay with a new timestamp but the old signature fails.
        String replay = header.replace("t=1700000000", "t=1700000600");
        assertThat(WebhookSignature.verify(SECRET, replay, BODY, now.plusSeconds(600), tolerance)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, "v1=abc", BODY, now, tolerance)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, null, BODY, now, tolerance)).isFalse();
    }
}
