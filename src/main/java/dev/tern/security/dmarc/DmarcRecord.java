package dev.tern.security.dmarc;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A DMARC policy record ({@code _dmarc.<domain>} TXT, RFC 7489 §6.3), the parts that decide what
 * happens to a message; reporting tags are only checked for the fallback of §6.6.3 step 6.
 *
 * <p>Read leniently, as §6.3 asks: unknown tags are ignored, a malformed {@code adkim}, {@code aspf}
 * or {@code pct} takes its default, a tag given twice counts once (the first).
 *
 * @param policy           p=
 * @param subdomainPolicy  sp=, or null when absent (p= then applies to subdomains too)
 * @param strictDkim       adkim=s
 * @param strictSpf        aspf=s
 * @param percent          pct=, 0–100: the share of failing mail the policy is meant for
 * @param rua              rua=: where aggregate reports go, each URI as written (with its "!size")
 */
record DmarcRecord(DmarcPolicy policy, DmarcPolicy subdomainPolicy, boolean strictDkim, boolean strictSpf, int percent,
                   List<String> rua) {

    DmarcRecord {
        rua = List.copyOf(rua);
    }

    /** A record without rua=. */
    DmarcRecord(DmarcPolicy policy, DmarcPolicy subdomainPolicy, boolean strictDkim, boolean strictSpf, int percent) {
        this(policy, subdomainPolicy, strictDkim, strictSpf, percent, List.of());
    }

    /** Whether a TXT record is a DMARC record at all: its first tag is v=DMARC1 (§6.6.3 step 2). */
    static boolean isDmarcRecord(String text) {
        int semicolon = text.indexOf(';');
        String first = semicolon < 0 ? text : text.substring(0, semicolon);
        int eq = first.indexOf('=');
        return eq > 0 && first.substring(0, eq).trim().equals("v") && first.substring(eq + 1).trim().equals("DMARC1");
    }

    /**
     * The record of a text that {@link #isDmarcRecord} accepted.
     *
     * @throws IllegalArgumentException when p= (or sp=) is missing or invalid and no valid rua=
     *                                  allows falling back to p=none (§6.6.3 step 6): no DMARC
     *                                  processing for the message
     */
    static DmarcRecord parse(String text) {
        Map<String, String> tags = tags(text);
        DmarcPolicy p = DmarcPolicy.fromTagValue(tags.getOrDefault("p", ""));
        String spValue = tags.get("sp");
        DmarcPolicy sp = spValue == null ? null : DmarcPolicy.fromTagValue(spValue);
        boolean strictDkim = "s".equalsIgnoreCase(tags.get("adkim"));
        boolean strictSpf = "s".equalsIgnoreCase(tags.get("aspf"));
        int percent = percent(tags.get("pct"));
        if (p == null || (spValue != null && sp == null)) {
            if (!hasValidReportUri(tags.get("rua"))) {
                throw new IllegalArgumentException(p == null ? "no valid p=" : "invalid sp=" + spValue);
            }
            return new DmarcRecord(DmarcPolicy.NONE, null, strictDkim, strictSpf, percent, rua(tags.get("rua")));
        }
        return new DmarcRecord(p, sp, strictDkim, strictSpf, percent, rua(tags.get("rua")));
    }

    private static List<String> rua(String value) {
        if (value == null) {
            return List.of();
        }
        return java.util.Arrays.stream(value.split(",")).map(String::trim).filter(u -> !u.isEmpty()).toList();
    }

    private static Map<String, String> tags(String text) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String part : text.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                tags.putIfAbsent(part.substring(0, eq).trim().toLowerCase(Locale.ROOT), part.substring(eq + 1).trim());
            }
        }
        return tags;
    }

    private static int percent(String value) {
        if (value == null || !value.matches("[0-9]{1,3}")) {
            return 100;
        }
        int n = Integer.parseInt(value);
        return n > 100 ? 100 : n;
    }

    /** rua= holds at least one syntactically valid URI (each may end with "!size"). */
    private static boolean hasValidReportUri(String rua) {
        if (rua == null) {
            return false;
        }
        for (String item : rua.split(",")) {
            String uri = item.trim();
            int bang = uri.lastIndexOf('!');
            if (bang > 0) {
                uri = uri.substring(0, bang);
            }
            try {
                URI u = new URI(uri);
                if (u.getScheme() != null && u.getSchemeSpecificPart() != null && !u.getSchemeSpecificPart().isEmpty()) {
                    return true;
                }
            } catch (URISyntaxException e) {
                // try the next one
            }
        }
        return false;
    }
}
