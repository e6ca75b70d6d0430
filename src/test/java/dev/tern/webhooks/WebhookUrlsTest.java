package dev.tern.webhooks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookUrlsTest {

    @ParameterizedTest
    @ValueSource(strings = {"https://hooks.example.com/tern", "http://hooks.example.com:8080/a?b=c",
            "https://93.184.216.34/x", "https://[2001:db8::1]/x", "HTTPS://Hooks.Example.com/"})
    void publicHttpAndHttpsUrlsAreAccepted(String url) {
        assertThat(WebhookUrls.check(url, false)).isEqualTo(URI.create(url));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://hooks.example.com/", "file:///etc/passwd", "mailto:a@b.example",
            "hooks.example.com/path", "/relative", "https:///nohost", "http://user:pw@hooks.example.com/",
            "https://hooks.example.com/#frag", "http://127.1/", "http://0x7f000001/", "http://2130706433/", ""})
    void otherUrlsAreRefused(String url) {
        assertThatThrownBy(() -> WebhookUrls.check(url, true)).isInstanceOf(WebhookException.class)
                .extracting(e -> ((WebhookException) e).kind()).isEqualTo(WebhookException.Kind.INVALID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080/", "http://localhost/", "http://api.localhost./",
            "http://10.1.2.3/", "http://172.16.0.1/", "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data",
            "http://0.0.0.0/", "http://100.64.0.1/", "http://[::1]/", "http://[fe80::1]/", "http://[fd00::1]/",
            "http://[::ffff:127.0.0.1]/", "http://224.0.0.1/", "http://255.255.255.255/"})
    void privateAddressesAreRefusedUnlessAllowed(String url) {
        assertThatThrownBy(() -> WebhookUrls.check(url, false)).isInstanceOf(WebhookException.class)
                .hasMessageContaining("allow_private");
        assertThat(WebhookUrls.check(url, true)).isEqualTo(URI.create(url));
    }

    @Test
    void namesAreNotLookedUpWhenChecked() {
        // A name is no literal: it is looked up before each POST instead.
        assertThat(WebhookUrls.isPrivateHost("internal.example")).isFalse();
        assertThat(WebhookUrls.literal("internal.example")).isNull();
    }
}
