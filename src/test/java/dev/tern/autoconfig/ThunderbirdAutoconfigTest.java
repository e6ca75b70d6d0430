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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Thunderbird autoconfig file, checked against the structure of the published format
 * (wiki.mozilla.org, Thunderbird:Autoconfiguration:ConfigFileFormat): element names, their
 * order, the required children and the allowed values.
 */
class ThunderbirdAutoconfigTest {

    private static final ClientPorts ALL = new ClientPorts(Map.of(ClientService.SUBMISSION, 587,
            ClientService.SUBMISSIONS, 465, ClientService.IMAP, 143, ClientService.IMAPS, 993,
            ClientService.POP3, 110, ClientService.POP3S, 995));

    // ---- the format, as the definition describes it

    private static final List<String> SERVER_CHILDREN = List.of("hostname", "port", "socketType", "username",
            "authentication");
    private static final Set<String> OPTIONAL_OUTGOING = Set.of("addThisServer", "useGlobalPreferredServer");
    private static final Set<String> SOCKET_TYPES = Set.of("plain", "SSL", "STARTTLS");
    private static final Set<String> AUTHENTICATIONS = Set.of("password-cleartext", "password-encrypted", "NTLM",
            "GSSAPI", "client-IP-address", "TLS-client-cert", "OAuth2", "none");
    private static final Set<String> TRAILING = Set.of("documentation", "enable", "instructions", "inputField");

    /** Checks a document against the format's structure; throws AssertionError naming what is wrong. */
    static void checkClientConfig(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        Element root = doc.getDocumentElement();
        assertThat(root.getTagName()).isEqualTo("clientConfig");
        assertThat(root.getAttribute("version")).isEqualTo("1.1");
        List<Element> top = children(root);
        assertThat(top).extracting(Element::getTagName).containsExactly("emailProvider");
        Element provider = top.get(0);
        assertThat(provider.getAttribute("id")).isNotBlank();

        // domain+, displayName, displayShortName, incomingServer+, outgoingServer+, then optional trailing elements
        List<Element> items = children(provider);
        int i = 0;
        while (i < items.size() && items.get(i).getTagName().equals("domain")) {
            assertThat(items.get(i).getTextContent()).isNotBlank();
            i++;
        }
        assertThat(i).as("at least one <domain>").isPositive();
        assertThat(items.get(i++).getTagName()).isEqualTo("displayName");
        assertThat(items.get(i++).getTagName()).isEqualTo("displayShortName");
        int incoming = 0;
        while (i < items.size() && items.get(i).getTagName().equals("incomingServer")) {
            checkServer(items.get(i++), Set.of("imap", "pop3"), Set.of());
            incoming++;
        }
        int outgoing = 0;
        while (i < items.size() && items.get(i).getTagName().equals("outgoingServer")) {
            checkServer(items.get(i++), Set.of("smtp"), OPTIONAL_OUTGOING);
            outgoing++;
        }
        assertThat(incoming).as("at least one <incomingServer>").isPositive();
        assertThat(outgoing).as("at least one <outgoingServer>").isPositive();
        for (; i < items.size(); i++) {
            assertThat(TRAILING).as("element after the servers").contains(items.get(i).getTagName());
        }
    }

    private static void checkServer(Element server, Set<String> types, Set<String> optional) {
        assertThat(types).as("type of <%s>", server.getTagName()).contains(server.getAttribute("type"));
        List<Element> c = children(server);
        assertThat(c.size()).as("children of <%s>", server.getTagName()).isGreaterThanOrEqualTo(SERVER_CHILDREN.size());
        assertThat(c.subList(0, SERVER_CHILDREN.size())).extracting(Element::getTagName).containsExactlyElementsOf(SERVER_CHILDREN);
        for (Element extra : c.subList(SERVER_CHILDREN.size(), c.size())) {
            assertThat(optional).contains(extra.getTagName());
        }
        assertThat(c.get(0).getTextContent()).as("hostname").matches("[a-z0-9.-]+");
        assertThat(Integer.parseInt(c.get(1).getTextContent())).as("port").isBetween(1, 65535);
        assertThat(SOCKET_TYPES).contains(c.get(2).getTextContent());
        assertThat(c.get(3).getTextContent()).as("username").isNotBlank();
        assertThat(AUTHENTICATIONS).contains(c.get(4).getTextContent());
    }

    private static List<Element> children(Element parent) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                out.add(e);
            }
        }
        return out;
    }

    // ---- the checker itself

    @Test
    void theCheckerAcceptsADocumentInThePublishedFormatAndRejectsOthers() throws Exception {
        String sample = """
                <?xml version="1.0"?>
                <clientConfig version="1.1">
                  <emailProvider id="sample.test">
                    <domain>sample.test</domain>
                    <domain>sample.example</domain>
                    <displayName>Sample Mail</displayName>
                    <displayShortName>Sample</displayShortName>
                    <incomingServer type="pop3">
                      <hostname>pop.sample.test</hostname>
                      <port>995</port>
                      <socketType>SSL</socketType>
                      <username>%EMAILLOCALPART%</username>
                      <authentication>password-encrypted</authentication>
                    </incomingServer>
                    <outgoingServer type="smtp">
                      <hostname>smtp.sample.test</hostname>
                      <port>587</port>
                      <socketType>STARTTLS</socketType>
                      <username>%EMAILLOCALPART%</username>
                      <authentication>password-encrypted</authentication>
                      <addThisServer>true</addThisServer>
                      <useGlobalPreferredServer>false</useGlobalPreferredServer>
                    </outgoingServer>
                    <documentation url="http://sample.test/help"/>
                  </emailProvider>
                </clientConfig>
                """;
        checkClientConfig(sample);
        assertThatThrownBy(() -> checkClientConfig(sample.replace("<displayShortName>Sample</displayShortName>", "")))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> checkClientConfig(sample.replace("<socketType>SSL</socketType>", "<socketType>TLS</socketType>")))
                .isInstanceOf(AssertionError.class);
        String swapped = sample.replace("<port>995</port>\n      <socketType>SSL</socketType>",
                "<socketType>SSL</socketType>\n      <port>995</port>");
        assertThat(swapped).isNotEqualTo(sample);
        assertThatThrownBy(() -> checkClientConfig(swapped)).isInstanceOf(AssertionError.class);
    }

    // ---- Tern's file

    @Test
    void everyListenerInOrderOfPreference() throws Exception {
        String xml = ThunderbirdAutoconfig.xml("example.org", "mail.example.org", ALL).orElseThrow();
        checkClientConfig(xml);
        assertThat(xml).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<clientConfig version=\"1.1\">\n"
                + "  <emailProvider id=\"example.org\">\n    <domain>example.org</domain>\n");
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        List<String> servers = new ArrayList<>();
        for (Element provider : children(doc.getDocumentElement())) {
            for (Element e : children(provider)) {
                if (e.getTagName().endsWith("Server")) {
                    List<Element> c = children(e);
                    servers.add(e.getAttribute("type") + " " + c.get(0).getTextContent() + ":" + c.get(1).getTextContent()
                            + " " + c.get(2).getTextContent() + " " + c.get(3).getTextContent() + " " + c.get(4).getTextContent());
                }
            }
        }
        assertThat(servers).containsExactly(
                "imap mail.example.org:993 SSL %EMAILADDRESS% password-cleartext",
                "imap mail.example.org:143 STARTTLS %EMAILADDRESS% password-cleartext",
                "pop3 mail.example.org:995 SSL %EMAILADDRESS% password-cleartext",
                "pop3 mail.example.org:110 STARTTLS %EMAILADDRESS% password-cleartext",
                "smtp mail.example.org:465 SSL %EMAILADDRESS% password-cleartext",
                "smtp mail.example.org:587 STARTTLS %EMAILADDRESS% password-cleartext");
    }

    @Test
    void onlyConfiguredListenersAndNothingWhenClientsCouldNotUseIt() throws Exception {
        ClientPorts some = new ClientPorts(Map.of(ClientService.SUBMISSION, 2587, ClientService.IMAPS, 2993));
        String xml = ThunderbirdAutoconfig.xml("example.org", "mail.example.org", some).orElseThrow();
        checkClientConfig(xml);
        assertThat(xml).contains("<port>2993</port>").contains("<port>2587</port>").doesNotContain("pop3")
                .doesNotContain("<port>465</port>");
        assertThat(ThunderbirdAutoconfig.xml("example.org", "mail.example.org",
                new ClientPorts(Map.of(ClientService.SUBMISSIONS, 465)))).isEmpty();
        assertThat(ThunderbirdAutoconfig.xml("example.org", "mail.example.org",
                new ClientPorts(Map.of(ClientService.IMAPS, 993)))).isEmpty();
    }

    @Test
    void theDomainOfTheQueryAddress() {
        assertThat(ThunderbirdAutoconfig.domainOf("Fred@Example.ORG")).contains("example.org");
        assertThat(ThunderbirdAutoconfig.domainOf("fred")).isEmpty();
        assertThat(ThunderbirdAutoconfig.domainOf(null)).isEmpty();
        assertThat(Xml.escape("a<b>&\"'\u0001")).isEqualTo("a&lt;b&gt;&amp;&quot;&apos;");
    }
}
