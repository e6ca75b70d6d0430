package dev.tern.admin;

import dev.tern.config.AdminSettings;
import dev.tern.config.ConfigException;
import dev.tern.config.ConfigLoader;
import dev.tern.config.StarterConfig;
import dev.tern.config.TernConfig;
import dev.tern.net.ListenException;
import dev.tern.server.TernServer;
import dev.tern.testing.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The admin listener's settings, binding, and HTTPS. */
class AdminListenerTest {

    @TempDir
    Path dir;

    @Test
    void settingsHaveDefaultsAndAreChecked() {
        TernConfig plain = TestConfigs.write(dir, "", AdminFixture.ADMIN_LISTENER);
        assertThat(plain.admin()).isEqualTo(AdminSettings.defaults());
        assertThat(plain.admin().maxBodySize()).isEqualTo(1024 * 1024);
        assertThat(plain.listener("admin")).hasSize(1);

        TernConfig set = TestConfigs.write(dir, "[admin]\ntls = true\nsession_lifetime = \"2h\"\n"
                + "max_body_size = \"64KB\"\nidle_timeout = \"10s\"\n");
        assertThat(set.admin().tls()).isTrue();
        assertThat(set.admin().sessionLifetime()).isEqualTo(Duration.ofHours(2));
        assertThat(set.admin().maxBodySize()).isEqualTo(64 * 1024);
        assertThat(set.admin().idleTimeout()).isEqualTo(Duration.ofSeconds(10));

        assertThatThrownBy(() -> TestConfigs.write(dir, "[admin]\nsession_lifetime = \"10s\"\n"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("admin.session_lifetime: at least 1 minute");
        assertThatThrownBy(() -> TestConfigs.write(dir, "[admin]\ntls = \"yes\"\n"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("admin.tls: expected true or false");
        assertThatThrownBy(() -> TestConfigs.write(dir, "[admin]\nport = 8080\n"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("admin.port: unknown setting");
    }

    @Test
    void theStarterConfigMentionsTheAdminListenerCommentedOut() {
        String text = StarterConfig.text("mx.example.org", "0.0.0.0:25");
        assertThat(text).contains("# admin = [\"127.0.0.1:8080\"]").contains("# [admin]");
        TernConfig c = ConfigLoader.parse(dir.resolve("tern.toml"),
                text.replace("# admin = [", "admin = [").replace("# [admin]", "[admin]"));
        assertThat(c.listener("admin")).hasToString("[127.0.0.1:8080]");
    }

    @Test
    void aPortInUseIsTheUsualOneLineError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            TernConfig config = TestConfigs.write(dir, "", "admin = [\"127.0.0.1:" + taken.getLocalPort() + "\"]\n");
            assertThatThrownBy(() -> new TernServer(config).start())
                    .isInstanceOf(ListenException.class)
                    .hasMessage("cannot listen on 127.0.0.1:" + taken.getLocalPort() + " for admin: address already in use");
        }
    }

    @Test
    void withTlsTheListenerServesHttpsAndSecureCookies() throws Exception {
        try (AdminFixture fx = new AdminFixture(dir, "[admin]\ntls = true\n", s -> s)) {
            fx.addAdmin("root", "pw");
            String doc = https(fx.port(), "GET /api/openapi.json HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
            assertThat(doc).startsWith("HTTP/1.1 200").contains("\"openapi\":\"3.1.0\"");
            String body = AdminClient.json(Map.of("name", "root", "password", "pw"));
            String login = https(fx.port(), "POST /api/session HTTP/1.1\r\nHost: a\r\nConnection: close\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
            assertThat(login).startsWith("HTTP/1.1 201");
            assertThat(login.lines().filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("set-cookie:")))
                    .hasSize(2).allSatisfy(c -> assertThat(c).endsWith("; Secure"));
            assertThatThrownBy(() -> new AdminClient(fx.port()).get("/api/openapi.json"))
                    .as("no plain HTTP on a TLS listener").isInstanceOf(java.io.UncheckedIOException.class);
        }
    }

    /** One request over TLS (the certificate is self-signed: not checked), read until the server closes. */
    private static String https(int port, String request) throws Exception {
        try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) trustAll().getSocketFactory()
                .createSocket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static SSLContext trustAll() throws Exception {
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, new TrustManager[]{new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, new SecureRandom());
        return c;
    }
}
