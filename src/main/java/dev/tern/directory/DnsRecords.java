package dev.tern.directory;

import dev.tern.security.dkim.DkimKey;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The DNS records a domain needs so that its mail reaches this server and its outgoing mail is
 * trusted: MX, SPF (RFC 7208), one DKIM key record per key (RFC 6376 §3.6), DMARC (RFC 7489).
 * Printed in zone-file syntax (RFC 1035 §5), ready to paste.
 */
public final class DnsRecords {

    /** RFC 1035 §3.3: one character-string of a TXT record holds at most 255 octets. */
    static final int MAX_TXT_STRING = 255;

    /**
     * One record with what it is for.
     *
     * @param owner the record's name, fully qualified with a final dot
     * @param data  the record data as written in a zone file
     */
    public record Record(String purpose, String owner, String type, String data) {

        /** The record as one zone-file line. */
        public String zoneLine() {
            return owner + " IN " + type + " " + data;
        }
    }

    private DnsRecords() {
    }

    /**
     * The records of a domain.
     *
     * @param domain   the domain, A-labels
     * @param hostname this server's name, where MX points
     * @param dkimKeys the domain's DKIM keys; none gives no DKIM record
     */
    public static List<Record> forDomain(String domain, String hostname, List<DkimKey> dkimKeys) {
        String d = domain + ".";
        List<Record> records = new ArrayList<>();
        records.add(new Record("MX: mail for " + domain + " is delivered to this server", d, "MX",
                "10 " + hostname + "."));
        records.add(new Record("SPF: only the hosts named in MX send mail from " + domain, d, "TXT",
                txt("v=spf1 mx -all")));
        for (DkimKey k : dkimKeys) {
            records.add(new Record("DKIM: public key of selector " + k.selector() + " (" + k.algorithm().tagValue()
                    + "), to verify the signatures of mail from " + domain,
                    k.selector() + "._domainkey." + d, "TXT", txt(k.dnsRecordText())));
        }
        records.add(new Record("DMARC: receivers quarantine mail that fails SPF and DKIM, and report to postmaster",
                "_dmarc." + d, "TXT", txt("v=DMARC1; p=quarantine; rua=mailto:postmaster@" + domain)));
        return records;
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
}
