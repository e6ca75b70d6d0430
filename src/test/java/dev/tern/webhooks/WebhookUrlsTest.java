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
            "https://93.184.216.34/x", "https://[2606:4700:4700::1111]/x", "HTTPS://Hooks.Example.com/",
            "http://[64:ff9b::5db8:d822]/", "http://[2002:5db8:d822::1]/", "http://[::ffff:93.184.216.34]/"})
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
            "http://[::ffff:127.0.0.1]/", "http://224.0.0.1/", "http://255.255.255.255/",
            // IPv6 forms that carry a loopback, metadata or private IPv4 address
            "http://[::127.0.0.1]:5080/", "http://[::a9fe:a9fe]/", "http://[64:ff9b::a9fe:a9fe]/",
            "http://[64:ff9b::7f00:1]:5080/", "http://[64:ff9b::10.0.0.1]/", "http://[64:ff9b:1::7f00:1]/",
            "http://[2002:7f00:1::]:5080/", "http://[2002:a9fe:a9fe::]/", "http://[2002:c0a8:101::1]/",
            "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",
            // IPv4 blocks of the IANA special-purpose registry that are not globally reachable
            "http://0.1.2.3/", "http://100.127.255.254/", "http://127.255.255.254/", "http://172.31.255.254/",
            "http://192.0.0.1/", "http://192.0.0.170/", "http://192.0.2.10/", "http://192.88.99.1/",
            "http://198.18.0.1/", "http://198.19.255.254/", "http://198.51.100.10/", "http://203.0.113.10/",
            "http://239.255.255.250/", "http://240.0.0.1/",
            // and IPv6 ones
            "http://[::]/", "http://[fc00::1]/", "http://[febf::1]/", "http://[ff02::1]/", "http://[2001:db8::1]/",
            "http://[100::1]/", "http://[3fff::1]/", "http://[fec0::1]/"})
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
