package dev.tern.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.admin.auth.Scope;
import dev.tern.testing.TestCertificates;
import dev.tern.testing.TestDnsServer;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

import javax.net.ssl.SSLContext;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Domain verification against a loopback DNS server, and SMTP credentials made, listed, used on
 * the submission listener and revoked, over the admin API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminOnboardingApiTest {

    private TestDnsServer dns;
    private AdminFixture fx;
    private AdminClient api;

    @BeforeAll
    void start(@TempDir Path dir) {
        dns = TestDnsServer.start();
        dns.a("mx.tern.test", "192.0.2.10");
        fx = new AdminFixture(dir, "[dns]\nnameservers = [\"127.0.0.1:" + dns.nameserver().getPort() + "\"]\n"
                + "timeout = \"500ms\"\n", "submission = [\"127.0.0.1:0\"]\n", s -> s);
        api = fx.admin();
        api.post("/api/domains", Map.of("name", "cred.test"));
        api.post("/api/domains", Map.of("name", "other.test"));
        api.post("/api/accounts", Map.of("address", "alice@cred.test", "password", "alice pw"));
    }

    @AfterAll
    void stop() {
        fx.close();
        dns.close();
    }

    // ---- domains and their verification

    /** Publishes a record as its zone-file form in the API says. */
    private void publish(JsonNode record) throws Exception {
        dns.add(Record.fromString(Name.fromString(record.get("name").asText()), Type.value(record.get("type").asText()),
                DClass.IN, 300, record.get("data").asText(), Name.root));
    }

    private static JsonNode record(JsonNode domain, String type) {
        for (JsonNode r : domain.get("dns_records")) {
            if (r.get("type").asText().equals(type)) {
                return r;
            }
        }
        throw new AssertionError("no " + type + " record in " + domain);
    }

    private static Map<String, String> statuses(JsonNode verification) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode r : verification.get("records")) {
            out.put(r.get("owner").asText() + " " + r.get("type").asText(), r.get("status").asText());
        }
        return out;
    }

    private static JsonNode check(JsonNode verification, String owner, String type) {
        for (JsonNode r : verification.get("records")) {
            if (r.get("owner").asText().equals(owner) && r.get("type").asText().equals(type)) {
                return r;
            }
        }
        throw new AssertionError("no check of " + owner + " " + type);
    }

    @Test
    void aDomainIsVerifiedWhenItsTokenIsFoundAndEachRecordHasItsStatus() throws Exception {
        AdminClient.Answer added = api.post("/api/domains", Map.of("name", "verify.test"));
        assertThat(added.status()).isEqualTo(201);
        JsonNode domain = added.json();
        assertThat(domain.get("ownership_verified").asBoolean()).isFalse();
        assertThat(domain.get("verified_at").isNull()).isTrue();
        List<String> owners = new ArrayList<>();
        domain.get("dns_records").forEach(r -> owners.add(r.get("name").asText()));
        assertThat(owners).contains("verify.test.", "_dmarc.verify.test.", "_tern-verify.verify.test.",
                "_submission._tcp.verify.test.", "autoconfig.verify.test.");
        String token = fx.services().domainOwnership().token("verify.test");
        JsonNode ownership = domain.get("dns_records").get(owners.indexOf("_tern-verify.verify.test."));
        assertThat(ownership.get("data").asText()).isEqualTo("\"tern-verify=" + token + "\"");
        assertThat(ownership.get("zone_line").asText())
                .isEqualTo("_tern-verify.verify.test. IN TXT \"tern-verify=" + token + "\"");

        // Nothing published: every record is missing, and the domain is not verified.
        AdminClient.Answer first = api.post("/api/domains/verify.test/verify", null);
        assertThat(first.status()).isEqualTo(200);
        JsonNode none = first.json();
        assertThat(none.get("domain").asText()).isEqualTo("verify.test");
        assertThat(none.get("ownership_verified").asBoolean()).isFalse();
        assertThat(none.get("verified_at").isNull()).isTrue();
        assertThat(none.get("records")).hasSize(domain.get("dns_records").size());
        assertThat(statuses(none).values()).containsOnly("missing");
        JsonNode missingMx = check(none, "verify.test.", "MX");
        assertThat(missingMx.get("published")).isEmpty();
        assertThat(missingMx.get("expected").asText()).contains("mx.tern.test");
        assertThat(missingMx.get("detail").asText()).isNotEmpty();
        assertThat(missingMx.get("purpose").asText()).isNotEmpty();
        assertThat(fx.services().domainOwnership().isVerified("verify.test")).isFalse();

        // MX, SPF and the token as asked; a DKIM key record with another key; no DMARC.
        publish(record(domain, "MX"));
        for (JsonNode r : domain.get("dns_records")) {
            String name = r.get("name").asText();
            if (name.equals("verify.test.") && r.get("type").asText().equals("TXT")
                    || name.equals("_tern-verify.verify.test.")) {
                publish(r);
            }
        }
        String dkimOwner = null;
        for (JsonNode r : domain.get("dns_records")) {
            if (r.get("name").asText().contains("._domainkey.") && dkimOwner == null) {
                dkimOwner = r.get("name").asText();
            }
        }
        dns.txt(dkimOwner, "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnotthisserverskey");

        Instant before = Instant.now().minusSeconds(1);
        JsonNode second = api.post("/api/domains/verify.test/verify", null).json();
        assertThat(second.get("ownership_verified").asBoolean()).isTrue();
        Instant verifiedAt = Instant.parse(second.get("verified_at").asText());
        assertThat(verifiedAt).isAfter(before);
        assertThat(check(second, "verify.test.", "MX").get("status").asText()).isEqualTo("found");
        assertThat(check(second, "verify.test.", "MX").get("published").get(0).asText()).contains("mx.tern.test");
        assertThat(check(second, "_tern-verify.verify.test.", "TXT").get("status").asText()).isEqualTo("found");
        JsonNode dkim = check(second, dkimOwner, "TXT");
        assertThat(dkim.get("status").asText()).isEqualTo("different");
        assertThat(dkim.get("published").get(0).asText()).contains("notthisserverskey");
        assertThat(check(second, "_dmarc.verify.test.", "TXT").get("status").asText()).isEqualTo("missing");
        assertThat(fx.services().domainOwnership().isVerified("verify.test")).isTrue();

        JsonNode shown = api.get("/api/domains/verify.test").json();
        assertThat(shown.get("ownership_verified").asBoolean()).isTrue();
        assertThat(Instant.parse(shown.get("verified_at").asText())).isEqualTo(verifiedAt);

        // The token removed later: the domain stays verified, the record is missing.
        dns.remove("_tern-verify.verify.test");
        JsonNode third = api.post("/api/domains/VERIFY.test/verify", null).json();
        assertThat(third.get("ownership_verified").asBoolean()).isTrue();
        assertThat(third.get("verified_at").asText()).isEqualTo(second.get("verified_at").asText());
        assertThat(check(third, "_tern-verify.verify.test.", "TXT").get("status").asText()).isEqualTo("missing");
    }

    @Test
    void verificationNeedsTheDomainsWriteScopeAndADomainTheTokenMayUse() {
        api.post("/api/domains", Map.of("name", "mine.test"));
        assertThat(api.anonymous().post("/api/domains/mine.test/verify", null).status()).isEqualTo(401);
        AdminClient.Answer reader = fx.client(List.of(Scope.DOMAINS_READ)).post("/api/domains/mine.test/verify", null);
        assertThat(reader.status()).isEqualTo(403);
        assertThat(reader.errorCode()).isEqualTo("insufficient_scope");
        AdminClient tenant = fx.client(List.of(Scope.DOMAINS_WRITE), "other.test");
        AdminClient.Answer elsewhere = tenant.post("/api/domains/mine.test/verify", null);
        AdminClient.Answer unknown = api.post("/api/domains/unknown.test/verify", null);
        assertThat(elsewhere.status()).isEqualTo(404);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(elsewhere.errorMessage()).isEqualTo(unknown.errorMessage().replace("unknown.test", "mine.test"));
        assertThat(tenant.post("/api/domains/other.test/verify", null).status()).isEqualTo(200);
        assertThat(tenant.get("/api/domains/other.test").json().get("ownership_verified").asBoolean()).isFalse();
        assertThat(api.post("/api/domains/not a domain/verify".replace(" ", "%20"), null).status()).isIn(400, 404);
        assertThat(fx.services().domainOwnership().isVerified("mine.test")).isFalse();
    }

    // ---- SMTP credentials

    private Properties submission() {
        SSLContext trusting = TestCertificates.trusting(fx.server.server().tls().certificate());
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(fx.server.port("submission")));
        p.put("mail.smtp.localhost", "app.cred.test");
        p.put("mail.smtp.auth", "true");
        p.put("mail.smtp.auth.mechanisms", "PLAIN");
        p.put("mail.smtp.ssl.socketFactory", trusting.getSocketFactory());
        p.put("mail.smtp.ssl.checkserveridentity", "false");
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        p.put("mail.smtp.connectiontimeout", "10000");
        p.put("mail.smtp.timeout", "10000");
        return p;
    }

    private void send(String user, String secret, String from, String to) throws MessagingException {
        MimeMessage m = new MimeMessage(Session.getInstance(submission()));
        m.setFrom(new InternetAddress(from));
        m.setRecipients(Message.RecipientType.TO, to);
        m.setSubject("order shipped");
        m.setText("sent by an application");
        Transport.send(m, user, secret);
    }

    private static JsonNode find(JsonNode list, String username) {
        for (JsonNode c : list.get("credentials")) {
            if (c.get("username").asText().equals(username)) {
                return c;
            }
        }
        throw new AssertionError("no credential " + username + " in " + list);
    }

    @Test
    void aCredentialMadeOverTheApiSendsOnTheSubmissionListenerAndIsRevoked() throws Exception {
        AdminClient.Answer made = api.post("/api/credentials", Map.of("domain", "cred.test",
                "senders", List.of("noreply@cred.test"), "rate", "100/1h", "name", "shop"));
        assertThat(made.status()).isEqualTo(201);
        JsonNode c = made.json();
        String user = c.get("username").asText();
        String secret = c.get("secret").asText();
        assertThat(user).isEqualTo("shop@cred.test");
        assertThat(secret).hasSize(32);
        assertThat(c.get("domain").asText()).isEqualTo("cred.test");
        assertThat(c.get("senders").toString()).isEqualTo("[\"noreply@cred.test\"]");
        assertThat(c.get("rate").asText()).isEqualTo("100/1h");
        assertThat(c.get("last_used_at").isNull()).isTrue();
        assertThat(c.get("messages_sent").asLong()).isZero();
        assertThat(c.get("revoked").asBoolean()).isFalse();
        assertThat(Instant.parse(c.get("created_at").asText())).isBefore(Instant.now().plusSeconds(1));

        send(user, secret, "noreply@cred.test", "alice@cred.test");
        await().atMost(Duration.ofSeconds(20)).until(() -> fx.server.inbox("alice@cred.test").size() == 1);
        assertThatThrownBy(() -> send(user, secret, "alice@cred.test", "alice@cred.test"))
                .as("outside its scope").isInstanceOf(MessagingException.class);

        JsonNode listed = find(api.get("/api/credentials").json(), user);
        assertThat(listed.has("secret")).isFalse();
        assertThat(listed.get("messages_sent").asLong()).isEqualTo(1);
        assertThat(listed.get("last_used_at").isNull()).isFalse();
        assertThat(fx.client(List.of(Scope.CREDENTIALS_READ)).get("/api/credentials?domain=cred.test").json()
                .get("credentials").findValuesAsText("username")).contains(user);

        assertThat(api.delete("/api/credentials/" + user).status()).isEqualTo(204);
        assertThat(find(api.get("/api/credentials").json(), user).get("revoked").asBoolean()).isTrue();
        assertThat(fx.services().smtpCredentials().credential(user)).get().extracting(x -> x.revoked()).isEqualTo(true);
        assertThatThrownBy(() -> send(user, secret, "noreply@cred.test", "alice@cred.test"))
                .isInstanceOf(AuthenticationFailedException.class);
        AdminClient.Answer again = api.delete("/api/credentials/" + user);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.errorCode()).isEqualTo("conflict");
    }

    @Test
    void aCredentialWithoutSendersCoversItsDomainAndGetsAName() {
        JsonNode c = api.post("/api/credentials", Map.of("domain", "Cred.TEST")).json();
        assertThat(c.get("username").asText()).matches("app-[a-z2-9]{8}@cred\\.test");
        assertThat(c.get("senders").toString()).isEqualTo("[\"@cred.test\"]");
        assertThat(c.has("rate")).isTrue();
        assertThat(c.get("rate").isNull()).isTrue();
    }

    @Test
    void aTenantSeesMakesAndRevokesOnlyTheCredentialsOfItsDomains() {
        String others = api.post("/api/credentials", Map.of("domain", "other.test")).json().get("username").asText();
        AdminClient tenant = fx.client(List.of(Scope.CREDENTIALS_WRITE), "cred.test");
        AdminClient.Answer mine = tenant.post("/api/credentials", Map.of("domain", "cred.test"));
        assertThat(mine.status()).isEqualTo(201);
        List<String> listed = tenant.get("/api/credentials").json().get("credentials").findValuesAsText("domain");
        assertThat(listed).isNotEmpty().containsOnly("cred.test");
        assertThat(tenant.get("/api/credentials?domain=other.test").status()).isEqualTo(404);

        int before = fx.services().smtpCredentials().list(null).size();
        assertThat(tenant.post("/api/credentials", Map.of("domain", "other.test")).status()).isEqualTo(404);
        AdminClient.Answer sender = tenant.post("/api/credentials", Map.of("domain", "cred.test",
                "senders", List.of("@other.test")));
        assertThat(sender.status()).isEqualTo(400);
        assertThat(sender.errorCode()).isEqualTo("invalid_field");
        assertThat(tenant.post("/api/credentials", Map.of("domain", "cred.test", "name", "x@other.test")).status())
                .isEqualTo(400);
        assertThat(fx.services().smtpCredentials().list(null)).hasSize(before);

        AdminClient.Answer revoke = tenant.delete("/api/credentials/" + others);
        assertThat(revoke.status()).isEqualTo(404);
        assertThat(revoke.errorMessage()).isEqualTo("no such SMTP credential: " + others);
        assertThat(fx.services().smtpCredentials().credential(others)).get().extracting(x -> x.revoked())
                .isEqualTo(false);
        assertThat(tenant.delete("/api/credentials/nobody@cred.test").status()).isEqualTo(404);
    }

    @Test
    void credentialsNeedTheirScopes() {
        assertThat(api.anonymous().get("/api/credentials").status()).isEqualTo(401);
        assertThat(api.anonymous().post("/api/credentials", Map.of("domain", "cred.test")).status()).isEqualTo(401);
        AdminClient reader = fx.client(List.of(Scope.CREDENTIALS_READ));
        assertThat(reader.get("/api/credentials").status()).isEqualTo(200);
        assertThat(reader.post("/api/credentials", Map.of("domain", "cred.test")).errorCode())
                .isEqualTo("insufficient_scope");
        assertThat(reader.delete("/api/credentials/x@cred.test").status()).isEqualTo(403);
        assertThat(fx.client(List.of(Scope.DOMAINS_WRITE)).get("/api/credentials").status()).isEqualTo(403);
    }

    @Test
    void badCredentialRequestsAre400AndMakeNothing() {
        int before = fx.services().smtpCredentials().list(null).size();
        List<Object> bodies = List.of(
                Map.of("domain", "cred.test", "scope", List.of("@cred.test")),
                Map.of("domain", "cred.test", "cram_md5", true),
                Map.of("senders", List.of("@cred.test")),
                Map.of("domain", "cred.test", "rate", "100 per hour"),
                Map.of("domain", "cred.test", "rate", 100),
                Map.of("domain", "cred.test", "senders", List.of()),
                Map.of("domain", "cred.test", "senders", List.of("not an address")),
                Map.of("domain", "cred.test", "senders", List.of("@nowhere.test")),
                Map.of("domain", "cred.test", "senders", "@cred.test"));
        for (Object body : bodies) {
            AdminClient.Answer a = api.post("/api/credentials", body);
            assertThat(a.status()).as("%s: %s", body, a.body()).isEqualTo(400);
            assertThat(a.errorCode()).as("%s", body).isEqualTo("invalid_field");
        }
        AdminClient.Answer unknownField = api.post("/api/credentials", Map.of("domain", "cred.test", "scope", "x"));
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(unknownField.errorMessage()).contains("unknown field \"scope\"");
        assertThat(api.post("/api/credentials", Map.of("domain", "cred.test", "name", "alice")).status())
                .as("the name of an account").isEqualTo(409);
        assertThat(api.send("POST", "/api/credentials", "{\"domain\": ").errorCode()).isEqualTo("invalid_json");
        assertThat(api.send("POST", "/api/credentials", "domain=cred.test", "application/x-www-form-urlencoded")
                .status()).isEqualTo(415);
        assertThat(api.post("/api/credentials", Map.of("domain", "unknown.test")).status()).isEqualTo(404);
        assertThat(fx.services().smtpCredentials().list(null)).hasSize(before);
    }
}
