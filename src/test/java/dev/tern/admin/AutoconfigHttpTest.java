package dev.tern.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.admin.auth.Scope;
import dev.tern.testing.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mail client autoconfiguration over HTTP: the Thunderbird file and Outlook's Autodiscover on the
 * public autoconfig (HTTP) and autoconfigs (HTTPS) listeners, which serve nothing else, and on the
 * admin listener; fetched and parsed as clients would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AutoconfigHttpTest {

    private static final String AUTODISCOVER_REQUEST = """
            <?xml version="1.0" encoding="utf-8"?>
            <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
              <Request>
                <EMailAddress>%s</EMailAddress>
                <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
              </Request>
            </Autodiscover>
            """;

    private AdminFixture fx;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void start(@TempDir Path dir) {
        fx = new AdminFixture(dir, "", """
                submission = ["127.0.0.1:0"]
                submissions = ["127.0.0.1:0"]
                imaps = ["127.0.0.1:0"]
                autoconfig = ["127.0.0.1:0"]
                autoconfigs = ["127.0.0.1:0"]
                """, s -> s);
        fx.services().directory().addDomain("example.test");
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    private int port(String listener) {
        return fx.server.port(listener);
    }

    private HttpResponse<String> get(String listener, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(listener) + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String listener, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(listener) + path))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "text/xml; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Document xml(String text) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String text(Element parent, String name) {
        return parent.getElementsByTagNameNS("*", name).item(0).getTextContent();
    }

    private static List<Element> elements(Document doc, String name) {
        NodeList nodes = doc.getElementsByTagNameNS("*", name);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add((Element) nodes.item(i));
        }
        return out;
    }

    /** A request written by hand, sent from a given loopback address, over TLS when {@code tls} is given. */
    private static String raw(String from, int port, SSLContext tls, String request) throws Exception {
        Socket plain = new Socket();
        plain.bind(new InetSocketAddress(from, 0));
        plain.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        plain.setSoTimeout(10_000);
        Socket connected = plain;
        if (tls != null) {
            SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
            secure.startHandshake();
            connected = secure;
        }
        try (Socket s = connected) {
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            in.transferTo(answer);
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    private static String getRequest(String path, String host) {
        return "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
    }

    private static int status(String rawAnswer) {
        return Integer.parseInt(rawAnswer.substring(9, 12));
    }

    private static String body(String rawAnswer) {
        return rawAnswer.substring(rawAnswer.indexOf("\r\n\r\n") + 4);
    }

    private void assertThunderbirdFile(String body) throws Exception {
        Document doc = xml(body);
        Element root = doc.getDocumentElement();
        assertThat(root.getTagName()).isEqualTo("clientConfig");
        assertThat(root.getAttribute("version")).isEqualTo("1.1");
        Element provider = elements(doc, "emailProvider").get(0);
        assertThat(provider.getAttribute("id")).isEqualTo("example.test");
        assertThat(text(provider, "domain")).isEqualTo("example.test");
        List<Element> incoming = elements(doc, "incomingServer");
        assertThat(incoming).hasSize(1);
        assertThat(incoming.get(0).getAttribute("type")).isEqualTo("imap");
        assertThat(text(incoming.get(0), "hostname")).isEqualTo("mx.tern.test");
        assertThat(text(incoming.get(0), "port")).isEqualTo(String.valueOf(port("imaps")));
        assertThat(text(incoming.get(0), "socketType")).isEqualTo("SSL");
        assertThat(text(incoming.get(0), "username")).isEqualTo("%EMAILADDRESS%");
        List<Element> outgoing = elements(doc, "outgoingServer");
        assertThat(outgoing).extracting(e -> text(e, "port"))
                .containsExactly(String.valueOf(port("submissions")), String.valueOf(port("submission")));
        assertThat(outgoing).extracting(e -> text(e, "socketType")).containsExactly("SSL", "STARTTLS");
    }

    @Test
    void thunderbirdGetsItsFileFromThePublicListener() throws Exception {
        for (String path : List.of("/mail/config-v1.1.xml?emailaddress=alice%40Example.test",
                "/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=alice%40example.test")) {
            HttpResponse<String> r = get("autoconfig", path);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(r.headers().firstValue("content-type")).hasValue("text/xml; charset=utf-8");
            assertThat(r.headers().allValues("cache-control")).containsExactly("max-age=3600");
            assertThunderbirdFile(r.body());
        }
    }

    @Test
    void withoutAnAddressTheDomainIsTheHostNames() throws Exception {
        String byHost = raw("127.0.0.1", port("autoconfig"), null,
                getRequest("/mail/config-v1.1.xml", "autoconfig.example.test"));
        assertThat(status(byHost)).isEqualTo(200);
        assertThunderbirdFile(body(byHost));
        String wellKnown = raw("127.0.0.1", port("autoconfig"), null,
                getRequest("/.well-known/autoconfig/mail/config-v1.1.xml", "Example.test:80"));
        assertThat(status(wellKnown)).isEqualTo(200);
        assertThunderbirdFile(body(wellKnown));
        assertThat(status(raw("127.0.0.1", port("autoconfig"), null,
                getRequest("/mail/config-v1.1.xml", "autoconfig.elsewhere.test")))).isEqualTo(404);
        assertThat(status(raw("127.0.0.1", port("autoconfig"), null,
                getRequest("/mail/config-v1.1.xml", "[::1]:80")))).isEqualTo(404);
    }

    @Test
    void otherDomainsAre404() throws Exception {
        for (String address : List.of("bob%40elsewhere.test", "nobody", "%40", "x%40bad..domain", "")) {
            HttpResponse<String> r = get("autoconfig", "/mail/config-v1.1.xml?emailaddress=" + address);
            assertThat(r.statusCode()).as(address).isEqualTo(404);
        }
        HttpResponse<String> outlook = post("autoconfig", "/autodiscover/autodiscover.xml",
                AUTODISCOVER_REQUEST.formatted("bob@elsewhere.test"));
        assertThat(outlook.statusCode()).isEqualTo(404);
    }

    @Test
    void outlookGetsItsSettingsFromAutodiscover() throws Exception {
        for (String path : List.of("/autodiscover/autodiscover.xml", "/Autodiscover/Autodiscover.xml")) {
            HttpResponse<String> r = post("autoconfig", path, AUTODISCOVER_REQUEST.formatted("Alice@example.test"));
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(r.headers().firstValue("content-type")).hasValue("application/xml; charset=utf-8");
            Document doc = xml(r.body());
            assertThat(doc.getDocumentElement().getLocalName()).isEqualTo("Autodiscover");
            List<Element> protocols = elements(doc, "Protocol");
            assertThat(protocols).extracting(p -> text(p, "Type")).containsExactly("IMAP", "SMTP");
            assertThat(protocols).extracting(p -> text(p, "Server")).containsOnly("mx.tern.test");
            assertThat(text(protocols.get(0), "Port")).isEqualTo(String.valueOf(port("imaps")));
            assertThat(text(protocols.get(1), "Port")).isEqualTo(String.valueOf(port("submissions")));
            assertThat(text(protocols.get(1), "Encryption")).isEqualTo("SSL");
            assertThat(text(protocols.get(0), "LoginName")).isEqualTo("Alice@example.test");
        }
        HttpResponse<String> notXml = post("autoconfig", "/autodiscover/autodiscover.xml", "<not xml");
        assertThat(notXml.statusCode()).isEqualTo(200);
        assertThat(text(xml(notXml.body()).getDocumentElement(), "ErrorCode")).isEqualTo("600");
        HttpResponse<String> big = post("autoconfig", "/autodiscover/autodiscover.xml",
                AUTODISCOVER_REQUEST.formatted("alice@example.test") + " ".repeat(17 * 1024));
        assertThat(big.statusCode()).isEqualTo(413);
    }

    @Test
    void theHttpsListenerServesTheSameFiles() throws Exception {
        SSLContext trusting = TestCertificates.trusting(fx.server.server().tls().certificate());
        String answer = raw("127.0.0.1", port("autoconfigs"), trusting,
                getRequest("/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=a%40example.test",
                        "example.test"));
        assertThat(status(answer)).isEqualTo(200);
        assertThunderbirdFile(body(answer));
        String request = AUTODISCOVER_REQUEST.formatted("a@example.test");
        byte[] bytes = request.getBytes(StandardCharsets.UTF_8);
        String outlook = raw("127.0.0.1", port("autoconfigs"), trusting, "POST /Autodiscover/Autodiscover.xml HTTP/1.1\r\n"
                + "Host: autodiscover.example.test\r\nContent-Type: text/xml\r\nContent-Length: " + bytes.length
                + "\r\nConnection: close\r\n\r\n" + request);
        assertThat(status(outlook)).isEqualTo(200);
        assertThat(elements(xml(body(outlook)), "Protocol")).hasSize(2);
    }

    @Test
    void theHttpsListenerServesTheMtaStsPolicyThatTheDomainsRecordNames() throws Exception {
        SSLContext trusting = TestCertificates.trusting(fx.server.server().tls().certificate());
        String answer = raw("127.0.0.1", port("autoconfigs"), trusting,
                getRequest("/.well-known/mta-sts.txt", "mta-sts.example.test"));
        assertThat(status(answer)).isEqualTo(200);
        assertThat(answer.toLowerCase(java.util.Locale.ROOT)).contains("content-type: text/plain");
        String policy = body(answer);
        var parsed = dev.tern.delivery.mtasts.StsPolicy.parse(policy);
        assertThat(parsed.mode()).isEqualTo(dev.tern.delivery.mtasts.StsPolicy.Mode.TESTING);
        assertThat(parsed.permits(fx.services().config().hostname())).isTrue();
        assertThat(parsed.maxAge()).isEqualTo(Duration.ofDays(7));
        // The record that domain show prints carries this policy's id; its host points here.
        var records = fx.services().onboarding().records("example.test");
        assertThat(records).filteredOn(r -> r.kind() == dev.tern.directory.DnsRecords.Kind.MTA_STS).singleElement()
                .satisfies(r -> assertThat(dev.tern.delivery.mtasts.StsPolicy.policyId(List.of(r.text())))
                        .isEqualTo(dev.tern.directory.DnsRecords.mtaStsId(policy)));
        assertThat(records).anyMatch(r -> r.owner().equals("mta-sts.example.test.") && r.type().equals("CNAME"));
        // Another domain, or the domain without the mta-sts label: nothing.
        assertThat(status(raw("127.0.0.1", port("autoconfigs"), trusting,
                getRequest("/.well-known/mta-sts.txt", "mta-sts.other.test")))).isEqualTo(404);
        assertThat(status(raw("127.0.0.1", port("autoconfigs"), trusting,
                getRequest("/.well-known/mta-sts.txt", "example.test")))).isEqualTo(404);
    }

    @Test
    void thePublicListenersServeNothingElse() throws Exception {
        String token = fx.token(List.of(Scope.ADMIN));
        for (String path : List.of("/api/openapi.json", "/api/domains", "/api/session", "/", "/index.html",
                "/metrics", "/api/health", "/api/trace")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + port("autoconfig") + path)).header("Authorization", "Bearer " + token).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.body()).doesNotContain("example.test");
        }
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + port("autoconfig") + "/api/session")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"root\",\"password\":\"x\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(404);
        SSLContext trusting = TestCertificates.trusting(fx.server.server().tls().certificate());
        assertThat(status(raw("127.0.0.1", port("autoconfigs"), trusting, getRequest("/api/openapi.json", "x"))))
                .isEqualTo(404);
        assertThat(fx.server.server().adminApi().routes().routes()).extracting(r -> r.pattern())
                .contains("/mail/config-v1.1.xml", "/autodiscover/autodiscover.xml");
    }

    @Test
    void theAdminListenerAnswersTheSameWithoutCredentialsOrCsrf() throws Exception {
        HttpResponse<String> r = get("admin", "/mail/config-v1.1.xml?emailaddress=alice%40example.test");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThunderbirdFile(r.body());

        fx.addAdmin("root", "root password");
        AdminClient console = new AdminClient(port("admin"));
        assertThat(console.login("root", "root password").status()).isEqualTo(201);
        AdminClient.Answer noCsrf = console.withoutCsrf().send("POST", "/autodiscover/autodiscover.xml",
                AUTODISCOVER_REQUEST.formatted("alice@example.test"), "text/xml");
        assertThat(noCsrf.status()).isEqualTo(200);
        assertThat(noCsrf.body()).contains("<Type>IMAP</Type>");

        JsonNode doc = console.get("/api/openapi.json").json();
        assertThat(doc.at("/paths/~1mail~1config-v1.1.xml/get/x-tern-scope").asText()).isEqualTo("none");
        assertThat(doc.at("/paths/~1mail~1config-v1.1.xml/get/security")).isEmpty();
        assertThat(doc.at("/paths/~1Autodiscover~1Autodiscover.xml/post/responses/200/content")
                .has("application/xml; charset=utf-8")).isTrue();
        assertThat(doc.at("/paths/~1.well-known~1autoconfig~1mail~1config-v1.1.xml/get/tags/0").asText())
                .isEqualTo("autoconfig");
    }

    @Test
    void eachClientAddressMakesALimitedNumberOfRequests() throws Exception {
        String request = getRequest("/mail/config-v1.1.xml?emailaddress=a%40example.test", "autoconfig.example.test");
        int ok = 0;
        String refused = null;
        for (int i = 0; i < 80 && refused == null; i++) {
            String answer = raw("127.0.0.2", port("autoconfig"), null, request);
            if (status(answer) == 200) {
                ok++;
            } else {
                refused = answer;
            }
        }
        assertThat(ok).isBetween(55, 65);
        assertThat(refused).isNotNull();
        assertThat(status(refused)).isEqualTo(429);
        assertThat(refused.toLowerCase()).contains("retry-after: ");
        assertThat(body(refused)).contains("too_many_requests");
        // Other addresses are not held back.
        assertThat(status(raw("127.0.0.3", port("autoconfig"), null, request))).isEqualTo(200);
    }

    @Test
    void theSameFilesAnswerForAnyLocalDomain() throws Exception {
        fx.services().directory().addDomain("second.test");
        HttpResponse<String> r = get("autoconfig", "/mail/config-v1.1.xml?emailaddress=x%40second.test");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(elements(xml(r.body()), "emailProvider").get(0).getAttribute("id")).isEqualTo("second.test");
    }
}
