package dev.tern.directory;

import dev.tern.config.ClientPorts;
import dev.tern.config.ClientService;
import dev.tern.security.dkim.DkimKey;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The DNS records a domain needs so that its mail reaches this server, its outgoing mail is
 * trusted and mail clients find their way here: MX, SPF (RFC 7208), one DKIM key record per key
 * (RFC 6376 §3.6), DMARC (RFC 7489), the ownership token, the RFC 6186 SRV records of the client
 * services, the autoconfig/autodiscover names and, when this server serves one, the MTA-STS
 * policy's (RFC 8461). Printed in zone-file syntax (RFC 1035 §5),
 * ready to paste; {@code onboarding.RecordChecks} checks the same list against live DNS.
 *
 * <p>SRV records of services whose listener is not configured are published with the target
 * "." (RFC 6186 §4: "decidedly not available"), so that clients do not go guessing ports.
 * Implicit TLS is preferred over STARTTLS (lower priority values, RFC 8314 §5.1), IMAP over POP3.
 */
public final class DnsRecords {

    /** RFC 1035 §3.3: one character-string of a TXT record holds at most 255 octets. */
    static final int MAX_TXT_STRING = 255;

    /** Where the ownership token is published, below the domain. */
    public static final String OWNERSHIP_LABEL = "_tern-verify";
    /** The start of the ownership TXT record's text; the token follows. */
    public static final String OWNERSHIP_PREFIX = "tern-verify=";

    /** What a record is for: it says how the record is checked. */
    public enum Kind { MX, SPF, DKIM, DMARC, OWNERSHIP, SRV, CNAME, MTA_STS, TLS_RPT }

    /** Where the MTA-STS record is published, below the domain (RFC 8461 §3.1). */
    public static final String MTA_STS_LABEL = "_mta-sts";
    /** RFC 8460 §3: where sending servers find where to report their TLS results. */
    public static final String TLS_RPT_LABEL = "_smtp._tls";

    /**
     * One record with what it is for.
     *
     * @param owner the record's name, fully qualified with a final dot
     * @param data  the record data as written in a zone file
     */
    public record Record(Kind kind, String purpose, String owner, String type, String data) {

        /** The record as one zone-file line. */
        public String zoneLine() {
            return owner + " IN " + type + " " + data;
        }

        /** The owner name without its final dot. */
        public String name() {
            return owner.endsWith(".") ? owner.substring(0, owner.length() - 1) : owner;
        }

        /** For a TXT record: its text, the character-strings joined. */
        public String text() {
            return unquote(data);
        }
    }

    private DnsRecords() {
    }

    /**
     * Only the records of mail delivery and authentication: MX, SPF, DKIM and DMARC (the first
     * records of the full list, with the same text).
     *
     * @param domain   the domain, A-labels
     * @param hostname this server's name, where MX points
     * @param dkimKeys the domain's DKIM keys; none gives no DKIM record
     */
    public static List<Record> forDomain(String domain, String hostname, List<DkimKey> dkimKeys) {
        return forDomain(domain, hostname, dkimKeys, null, new ClientPorts(java.util.Map.of()), null).stream()
                .filter(r -> r.kind() == Kind.MX || r.kind() == Kind.SPF || r.kind() == Kind.DKIM || r.kind() == Kind.DMARC)
                .toList();
    }

    /**
     * The records of a domain.
     *
     * @param domain         the domain, A-labels
     * @param hostname       this server's name, where MX, SRV and the autoconfig names point
     * @param dkimKeys       the domain's DKIM keys; none gives no DKIM record
     * @param ownershipToken the domain's ownership token, or null for no ownership record
     * @param ports          the client listeners, for the SRV records
     * @param mtaStsPolicy   the MTA-STS policy file this server serves, or null when it serves none
     */
    public static List<Record> forDomain(String domain, String hostname, List<DkimKey> dkimKeys, String ownershipToken,
                                         ClientPorts ports, String mtaStsPolicy) {
        String d = domain + ".";
        String host = hostname + ".";
        List<Record> records = new ArrayList<>();
        records.add(new Record(Kind.MX, "MX: mail for " + domain + " is delivered to this server", d, "MX",
                "10 " + host));
        records.add(new Record(Kind.SPF, "SPF: only the hosts named in MX send mail from " + domain, d, "TXT",
                txt("v=spf1 mx -all")));
        for (DkimKey k : dkimKeys) {
            records.add(new Record(Kind.DKIM, "DKIM: public key of selector " + k.selector() + " ("
                    + k.algorithm().tagValue() + "), to verify the signatures of mail from " + domain,
                    k.selector() + "._domainkey." + d, "TXT", txt(k.dnsRecordText())));
        }
        records.add(new Record(Kind.DMARC, "DMARC: receivers quarantine mail that fails SPF and DKIM, and report to postmaster",
                "_dmarc." + d, "TXT", txt("v=DMARC1; p=quarantine; rua=mailto:postmaster@" + domain)));
        if (ownershipToken != null) {
            records.add(new Record(Kind.OWNERSHIP, "Ownership: shows that whoever controls the DNS of " + domain
                    + " added it here", OWNERSHIP_LABEL + "." + d, "TXT", txt(OWNERSHIP_PREFIX + ownershipToken)));
        }
        for (ClientService s : ClientService.values()) {
            String owner = "_" + s.listener() + "._tcp." + d;
            if (ports.enabled(s)) {
                records.add(new Record(Kind.SRV, "SRV: mail clients find " + describe(s) + " (RFC 6186)", owner, "SRV",
                        priority(s) + " 1 " + ports.port(s) + " " + host));
            } else {
                records.add(new Record(Kind.SRV, "SRV: " + describe(s) + " is not offered (RFC 6186 section 4)",
                        owner, "SRV", "0 0 0 ."));
            }
        }
        if (ports.manageSieve() > 0) {
            records.add(new Record(Kind.SRV, "SRV: Sieve filter editors find ManageSieve (RFC 5804 section 1.8)",
                    "_sieve._tcp." + d, "SRV", "0 1 " + ports.manageSieve() + " " + host));
        }
        for (String label : List.of("autoconfig", "autodiscover")) {
            records.add(new Record(Kind.CNAME, "CNAME: " + (label.equals("autoconfig") ? "Thunderbird" : "Outlook")
                    + " and other clients fetch their settings from this server", label + "." + d, "CNAME", host));
        }
        if (mtaStsPolicy != null) {
            records.add(new Record(Kind.CNAME, "CNAME: mail servers fetch the MTA-STS policy of " + domain
                    + " from this server, over HTTPS", "mta-sts." + d, "CNAME", host));
            records.add(new Record(Kind.MTA_STS, "MTA-STS: mail servers that honour it deliver to " + domain
                    + " only over TLS with a valid certificate (RFC 8461); the id changes with the policy",
                    MTA_STS_LABEL + "." + d, "TXT", txt("v=STSv1; id=" + mtaStsId(mtaStsPolicy))));
            records.add(new Record(Kind.TLS_RPT, "TLS-RPT: mail servers that honour the policy send postmaster a daily "
                    + "report of their TLS connections to " + domain + " and what failed (RFC 8460)",
                    TLS_RPT_LABEL + "." + d, "TXT", txt("v=TLSRPTv1; rua=mailto:postmaster@" + domain)));
        }
        return records;
    }

    /**
     * The id of a policy file for the {@code _mta-sts} record: derived from its text, so that it
     * changes exactly when the policy does and senders fetch it again (RFC 8461 §3.1).
     */
    public static String mtaStsId(String policy) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(policy.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest, 0, 10);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Implicit TLS before STARTTLS (RFC 8314 §5.1); the IMAP and POP3 pairs in one order (RFC 6186 §3.4). */
    private static int priority(ClientService s) {
        return switch (s) {
            case SUBMISSIONS, IMAPS -> 0;
            case SUBMISSION, IMAP -> 10;
            case POP3S -> 20;
            case POP3 -> 30;
        };
    }

    private static String describe(ClientService s) {
        return switch (s) {
            case SUBMISSIONS -> "mail submission over TLS";
            case SUBMISSION -> "mail submission with STARTTLS";
            case IMAPS -> "IMAP over TLS";
            case IMAP -> "IMAP with STARTTLS";
            case POP3S -> "POP3 over TLS";
            case POP3 -> "POP3 with STLS";
        };
    }

    /** TXT record data: the text as quoted strings of at most 255 octets each, separated by spaces. */
    static String txt(String text) {
        byte[] octets = text.getBytes(StandardCharsets.US_ASCII);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < octets.length || i == 0; i += MAX_TXT_STRING) {
            int end = Math.min(octets.length, i + MAX_TXT_STRING);
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append('"').append(new String(octets, i, end - i, StandardCharsets.US_ASCII)
                    .replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return out.toString();
    }

    /** The inverse of {@link #txt}: the quoted strings joined, escapes undone. */
    static String unquote(String data) {
        StringBuilder out = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < data.length(); i++) {
            char c = data.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (quoted && c == '\\' && i + 1 < data.length()) {
                out.append(data.charAt(++i));
            } else if (quoted) {
                out.append(c);
            }
        }
        return out.toString();
    }
}
