package dev.tern.autoconfig;

import dev.tern.config.ClientPorts;
import dev.tern.config.ClientService;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AutodiscoverTest {

    private static final Instant NOW = Instant.parse("2026-11-29T16:56:32.616Z");
    private static final ClientPorts PORTS = new ClientPorts(Map.of(ClientService.SUBMISSION, 587,
            ClientService.SUBMISSIONS, 465, ClientService.IMAP, 143, ClientService.IMAPS, 993, ClientService.POP3, 110));

    private static byte[] request(String address, String schema) {
        return ("""
                <?xml version="1.0" encoding="utf-8"?>
                <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
                  <Request>
                    <EMailAddress>%s</EMailAddress>
                    <AcceptableResponseSchema>%s</AcceptableResponseSchema>
                  </Request>
                </Autodiscover>
                """.formatted(address, schema)).getBytes(StandardCharsets.UTF_8);
    }

    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && (name == null || e.getLocalName().equals(name))) {
                out.add(e);
            }
        }
        return out;
    }

    private static String text(Element parent, String name) {
        return children(parent, name).get(0).getTextContent();
    }

    @Test
    void anOutlookRequestGetsImapPop3AndSmtpSettings() throws Exception {
        String xml = Autodiscover.respond(request("Fred@Example.org", Autodiscover.OUTLOOK_SCHEMA), "mail.example.org",
                PORTS, "example.org"::equals, NOW);
        Element root = parse(xml).getDocumentElement();
        assertThat(root.getLocalName()).isEqualTo("Autodiscover");
        assertThat(root.getNamespaceURI()).isEqualTo(Autodiscover.RESPONSE_NAMESPACE);
        Element response = children(root, "Response").get(0);
        assertThat(response.getNamespaceURI()).isEqualTo(Autodiscover.OUTLOOK_SCHEMA);
        Element account = children(response, "Account").get(0);
        assertThat(children(account, null)).extracting(Element::getLocalName)
                .containsExactly("AccountType", "Action", "Protocol", "Protocol", "Protocol");
        assertThat(text(account, "AccountType")).isEqualTo("email");
        assertThat(text(account, "Action")).isEqualTo("settings");
        List<String> protocols = children(account, "Protocol").stream().map(p -> text(p, "Type") + " " + text(p, "Server")
                + ":" + text(p, "Port") + " login=" + text(p, "LoginName") + " SSL=" + text(p, "SSL")
                + " Encryption=" + text(p, "Encryption") + " SPA=" + text(p, "SPA") + " AuthRequired="
                + text(p, "AuthRequired")).toList();
        assertThat(protocols).containsExactly(
                "IMAP mail.example.org:993 login=Fred@example.org SSL=on Encryption=SSL SPA=off AuthRequired=on",
                "POP3 mail.example.org:110 login=Fred@example.org SSL=on Encryption=TLS SPA=off AuthRequired=on",
                "SMTP mail.example.org:465 login=Fred@example.org SSL=on Encryption=SSL SPA=off AuthRequired=on");
        assertThat(children(account, "Protocol").get(0).getFirstChild().getNextSibling().getLocalName()).isEqualTo("Type");
    }

    @Test
    void errorsAreAutodiscoverErrorResponses() throws Exception {
        String invalid = Autodiscover.respond("not xml".getBytes(StandardCharsets.UTF_8), "mail.example.org", PORTS,
                d -> true, NOW);
        Element error = children(children(parse(invalid).getDocumentElement(), "Response").get(0), "Error").get(0);
        assertThat(text(error, "ErrorCode")).isEqualTo("600");
        assertThat(text(error, "Message")).isEqualTo("Invalid Request");
        assertThat(error.getAttribute("Time")).isEqualTo("16:56:32.616");
        assertThat(children(error, "DebugData")).hasSize(1);

        String schema = Autodiscover.respond(request("fred@example.org",
                "http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006"),
                "mail.example.org", PORTS, d -> true, NOW);
        assertThat(schema).contains("<ErrorCode>601</ErrorCode>");
        String unknown = Autodiscover.respond(request("fred@elsewhere.org", Autodiscover.OUTLOOK_SCHEMA),
                "mail.example.org", PORTS, "example.org"::equals, NOW);
        assertThat(unknown).contains("<ErrorCode>500</ErrorCode>");
        String noAddress = Autodiscover.respond(request("not an address", Autodiscover.OUTLOOK_SCHEMA),
                "mail.example.org", PORTS, d -> true, NOW);
        assertThat(noAddress).contains("<ErrorCode>600</ErrorCode>");
    }

    @Test
    void requestsWithEntitiesOrTooLongAreRefused() {
        byte[] xxe = """
                <?xml version="1.0"?>
                <!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>
                <Autodiscover><Request><EMailAddress>&x;</EMailAddress></Request></Autodiscover>
                """.getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Autodiscover.parse(xxe)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Autodiscover.respond(xxe, "mail.example.org", PORTS, d -> true, NOW)).contains("<ErrorCode>600</ErrorCode>")
                .doesNotContain("root:");
        byte[] huge = new byte[Autodiscover.MAX_REQUEST_BYTES + 1];
        assertThatThrownBy(() -> Autodiscover.parse(huge)).hasMessageContaining("more than");
        assertThat(Autodiscover.parse(request(" fred@example.org ", Autodiscover.OUTLOOK_SCHEMA)))
                .isEqualTo(new Autodiscover.Request("fred@example.org", Autodiscover.OUTLOOK_SCHEMA));
    }
}
