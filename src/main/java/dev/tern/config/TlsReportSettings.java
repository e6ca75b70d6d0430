package dev.tern.config;

/**
 * SMTP TLS reports (RFC 8460) about this server's outbound sessions ({@code [delivery.tls_reports]}):
 * once a day, each recipient domain that publishes a {@code _smtp._tls} record is told how many
 * sessions to its MX hosts were encrypted and which failed, and why.
 *
 * @param enabled      off by default: reports are mail this server sends on its own
 * @param from         the address reports come from; its domain should be local and have a DKIM
 *                     key, since receivers may refuse unsigned reports (RFC 8460 §5.3)
 * @param organization the {@code organization-name} of the reports; null for the hostname
 * @param contact      the {@code contact-info} of the reports; null for {@code from}
 */
public record TlsReportSettings(boolean enabled, String from, String organization, String contact) {

    public static TlsReportSettings defaults() {
        return new TlsReportSettings(false, null, null, null);
    }

    static TlsReportSettings read(ConfigNode n) {
        boolean enabled = n.bool("enabled", false);
        String from = n.string("from", null);
        String organization = n.string("organization", null);
        String contact = n.string("contact", null);
        if (from != null) {
            try {
                dev.tern.mail.MailAddress.parse(from);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(n.key("from") + ": not a mail address: \"" + from + "\"");
            }
        }
        if (enabled && from == null) {
            throw new ConfigException(n.key("from") + ": reports need an address to come from, as in from = \"tls-reports@example.com\"");
        }
        return new TlsReportSettings(enabled, from, organization, contact);
    }
}
