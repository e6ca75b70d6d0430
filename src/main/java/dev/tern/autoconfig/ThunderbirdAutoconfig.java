package dev.tern.autoconfig;

import dev.tern.config.ClientPorts;
import dev.tern.config.ClientService;

import java.util.Optional;

/**
 * The Thunderbird autoconfig file (clientConfig version 1.1, the format of
 * https://wiki.mozilla.org/Thunderbird:Autoconfiguration:ConfigFileFormat, also read by K-9 Mail,
 * FairEmail, Evolution and others) for a domain of this server: one incomingServer per IMAP and
 * POP3 listener and one outgoingServer per submission listener, in order of preference (implicit
 * TLS first, IMAP before POP3, as the format says clients should take the first entry), each with
 * this server's host name and the listener's port, the email address as user name and
 * password-cleartext authentication (AUTH PLAIN or LOGIN; always inside TLS, since Tern takes
 * passwords over TLS only).
 *
 * <p>Served at {@code http://autoconfig.DOMAIN/mail/config-v1.1.xml?emailaddress=ADDRESS} and
 * {@code https://DOMAIN/.well-known/autoconfig/mail/config-v1.1.xml} (docs/autoconfig.md). Pure:
 * the caller decides that the domain is local.
 */
public final class ThunderbirdAutoconfig {

    /** The media type to serve it with. */
    public static final String CONTENT_TYPE = "application/xml; charset=utf-8";

    private ThunderbirdAutoconfig() {
    }

    /**
     * The file for a domain; empty when clients could not use this server (no IMAP or POP3
     * listener, or no submission listener).
     *
     * @param domain   the mail domain, A-labels
     * @param hostname this server's name, where clients connect (its certificate's name)
     * @param ports    the client listeners
     */
    public static Optional<String> xml(String domain, String hostname, ClientPorts ports) {
        boolean incoming = false;
        boolean outgoing = false;
        for (ClientService s : ClientService.values()) {
            if (ports.enabled(s)) {
                incoming |= s.protocol() != ClientService.Protocol.SMTP;
                outgoing |= s.protocol() == ClientService.Protocol.SMTP;
            }
        }
        if (!incoming || !outgoing) {
            return Optional.empty();
        }
        Xml x = new Xml().open("clientConfig", "version", "1.1").open("emailProvider", "id", domain)
                .text("domain", domain)
                .text("displayName", "Mail for " + domain)
                .text("displayShortName", domain);
        for (ClientService.Protocol p : new ClientService.Protocol[]{ClientService.Protocol.IMAP, ClientService.Protocol.POP3}) {
            for (ClientService s : ClientService.values()) {
                if (s.protocol() == p && ports.enabled(s)) {
                    server(x, "incomingServer", p == ClientService.Protocol.IMAP ? "imap" : "pop3", s, hostname, ports);
                }
            }
        }
        for (ClientService s : ClientService.values()) {
            if (s.protocol() == ClientService.Protocol.SMTP && ports.enabled(s)) {
                server(x, "outgoingServer", "smtp", s, hostname, ports);
            }
        }
        return Optional.of(x.close("emailProvider").close("clientConfig").toString());
    }

    /** The domain of an email address as given in {@code ?emailaddress=}, lower case; empty when there is none. */
    public static Optional<String> domainOf(String emailAddress) {
        if (emailAddress == null) {
            return Optional.empty();
        }
        int at = emailAddress.lastIndexOf('@');
        String domain = at < 0 ? "" : emailAddress.substring(at + 1).trim().toLowerCase(java.util.Locale.ROOT);
        return domain.isEmpty() ? Optional.empty() : Optional.of(domain);
    }

    private static void server(Xml x, String element, String type, ClientService s, String hostname, ClientPorts ports) {
        x.open(element, "type", type)
                .text("hostname", hostname)
                .text("port", String.valueOf(ports.port(s)))
                .text("socketType", s.implicitTls() ? "SSL" : "STARTTLS")
                .text("username", "%EMAILADDRESS%")
                .text("authentication", "password-cleartext")
                .close(element);
    }
}
