package dev.tern.config;

/**
 * Aggregate reports this server sends on its own, once a day: SMTP TLS reports (RFC 8460) about
 * its outbound sessions ({@code [delivery.tls_reports]}) and DMARC aggregate reports (RFC 7489
 * §7.2) about the mail it received ({@code [checks.dmarc_reports]}).
 *
 * @param enabled      off by default: reports are mail this server sends on its own
 * @param from         the address reports come from; its domain should be local and have a DKIM
 *                     key, since receivers may refuse unsigned reports
 * @param organization the reports' organization name; null for the hostname
 * @param contact      the reports' contact; null for {@code from}
 */
public record ReportSettings(boolean enabled, String from, String organization, String contact) {

    public static ReportSettings defaults() {
        return new ReportSettings(false, null, null, null);
    }

    static ReportSettings read(ConfigNode n) {
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
            throw new ConfigException(n.key("from") + ": reports need an address to come from, as in from = \"reports@example.com\"");
        }
        return new ReportSettings(enabled, from, organization, contact);
    }
}
