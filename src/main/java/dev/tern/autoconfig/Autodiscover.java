package dev.tern.autoconfig;

import dev.tern.config.ClientPorts;
import dev.tern.config.ClientService;
import dev.tern.mail.MailAddress;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.Predicate;

/**
 * Microsoft Autodiscover in its "plain old XML" form, as Outlook (and other clients that know
 * Exchange's protocol) ask {@code POST https://autodiscover.DOMAIN/autodiscover/autodiscover.xml}
 * with an {@code <EMailAddress>}: the answer is an Outlook provider response (schema
 * {@value #OUTLOOK_SCHEMA}) with one {@code Protocol} each for IMAP, POP3 and SMTP, at this server's
 * host name and the preferred listener of each (implicit TLS when configured, else STARTTLS), the
 * email address as login name, and no SPA (NTLM).
 *
 * <p>Errors are Autodiscover error responses, as Exchange sends them (with HTTP 200): 600 for a
 * request that is not one, 601 for a response schema other than Outlook's, 500 for an address
 * outside this server's domains.
 *
 * <p>Security: the request is parsed with DOCTYPE declarations refused (no entity expansion, no
 * external entities) and at most {@value #MAX_REQUEST_BYTES} bytes of it. Pure: the caller says
 * which domains are local.
 */
public final class Autodiscover {

    public static final String RESPONSE_NAMESPACE = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006";
    public static final String OUTLOOK_SCHEMA = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";
    /** The media type to serve responses with. */
    public static final String CONTENT_TYPE = "application/xml; charset=utf-8";
    /** Real requests are a few hundred bytes. */
    public static final int MAX_REQUEST_BYTES = 16 * 1024;

    private static final DateTimeFormatter ERROR_TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    /**
     * What a request asks.
     *
     * @param emailAddress             the {@code EMailAddress}
     * @param acceptableResponseSchema the {@code AcceptableResponseSchema}, or null when absent
     */
    public record Request(String emailAddress, String acceptableResponseSchema) {
    }

    private Autodiscover() {
    }

    /**
     * The response to a request body, whatever it holds.
     *
     * @param localDomain whether an A-label domain is one of this server's
     * @param now         the time written in an error response
     */
    public static String respond(byte[] body, String hostname, ClientPorts ports, Predicate<String> localDomain,
                                 Instant now) {
        Request request;
        try {
            request = parse(body);
        } catch (IllegalArgumentException e) {
            return error(600, "Invalid Request", hostname, now);
        }
        if (request.acceptableResponseSchema() != null && !request.acceptableResponseSchema().equals(OUTLOOK_SCHEMA)) {
            return error(601, "Requested schema version not supported", hostname, now);
        }
        MailAddress address;
        try {
            address = MailAddress.parse(request.emailAddress());
        } catch (IllegalArgumentException e) {
            return error(600, "Invalid Request", hostname, now);
        }
        if (!localDomain.test(address.asciiDomain())) {
            return error(500, "The e-mail address cannot be found.", hostname, now);
        }
        if (!offersMail(ports)) {
            return error(601, "No IMAP, POP3 or SMTP service is offered", hostname, now);
        }
        return settings(address.toString(), hostname, ports);
    }

    /**
     * Reads a request: its {@code Request/EMailAddress} and {@code Request/AcceptableResponseSchema}.
     *
     * @throws IllegalArgumentException when the body is too long, not XML, has a DOCTYPE, or lacks an address
     */
    public static Request parse(byte[] body) {
        if (body.length > MAX_REQUEST_BYTES) {
            throw new IllegalArgumentException("an Autodiscover request of more than " + MAX_REQUEST_BYTES + " bytes");
        }
        Document doc;
        try {
            doc = parser().parse(new ByteArrayInputStream(body));
        } catch (SAXException | IOException e) {
            throw new IllegalArgumentException("not an Autodiscover request: " + e.getMessage(), e);
        }
        Element root = doc.getDocumentElement();
        Element request = root == null || !"Autodiscover".equals(root.getLocalName()) ? null : child(root, "Request");
        Element address = request == null ? null : child(request, "EMailAddress");
        if (address == null || address.getTextContent().isBlank()) {
            throw new IllegalArgumentException("no Autodiscover/Request/EMailAddress in the request");
        }
        Element schema = child(request, "AcceptableResponseSchema");
        return new Request(address.getTextContent().trim(), schema == null ? null : schema.getTextContent().trim());
    }

    /** The Outlook provider response with this server's IMAP, POP3 and SMTP settings for an address. */
    public static String settings(String emailAddress, String hostname, ClientPorts ports) {
        Xml x = new Xml().open("Autodiscover", "xmlns", RESPONSE_NAMESPACE)
                .open("Response", "xmlns", OUTLOOK_SCHEMA)
                .open("Account")
                .text("AccountType", "email")
                .text("Action", "settings");
        // Incoming first, IMAP preferred (Outlook sets up the first incoming protocol it is given).
        for (ClientService.Protocol p : List.of(ClientService.Protocol.IMAP, ClientService.Protocol.POP3,
                ClientService.Protocol.SMTP)) {
            ClientService chosen = null;
            for (ClientService s : ClientService.values()) {
                if (s.protocol() == p && ports.enabled(s) && chosen == null) {
                    chosen = s;
                }
            }
            if (chosen != null) {
                protocol(x, p.name(), chosen, emailAddress, hostname, ports);
            }
        }
        return x.close("Account").close("Response").close("Autodiscover").toString();
    }

    /** An Autodiscover error response (codes: 500 unknown address, 600 invalid request, 601 schema not supported). */
    public static String error(int code, String message, String hostname, Instant now) {
        return new Xml().open("Autodiscover", "xmlns", RESPONSE_NAMESPACE)
                .open("Response", "xmlns", OUTLOOK_SCHEMA)
                .open("Error", "Time", ERROR_TIME.format(now), "Id", String.valueOf(Math.abs(hostname.hashCode())))
                .text("ErrorCode", String.valueOf(code))
                .text("Message", message)
                .empty("DebugData")
                .close("Error")
                .close("Response")
                .close("Autodiscover").toString();
    }

    private static void protocol(Xml x, String type, ClientService s, String emailAddress, String hostname,
                                 ClientPorts ports) {
        x.open("Protocol")
                .text("Type", type)
                .text("Server", hostname)
                .text("Port", String.valueOf(ports.port(s)))
                .text("LoginName", emailAddress)
                .text("DomainRequired", "off")
                .text("SPA", "off")
                .text("SSL", "on")
                // Outlook 2010 and later: SSL is TLS from the first byte, TLS is STARTTLS.
                .text("Encryption", s.implicitTls() ? "SSL" : "TLS")
                .text("AuthRequired", "on");
        if (s.protocol() == ClientService.Protocol.SMTP) {
            x.text("UsePOPAuth", "on").text("SMTPLast", "off");
        }
        x.close("Protocol");
    }

    private static boolean offersMail(ClientPorts ports) {
        for (ClientService s : ClientService.values()) {
            if (ports.enabled(s)) {
                return true;
            }
        }
        return false;
    }

    private static Element child(Element parent, String localName) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && localName.equals(e.getLocalName())) {
                return e;
            }
        }
        return null;
    }

    private static DocumentBuilder parser() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            // Errors end the parse with an exception; nothing is printed.
            b.setErrorHandler(new org.xml.sax.helpers.DefaultHandler() {
                @Override
                public void error(org.xml.sax.SAXParseException e) throws SAXException {
                    throw e;
                }
            });
            return b;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the XML parser cannot be made safe: " + e.getMessage(), e);
        }
    }
}
