package dev.tern.security.spf;

import org.xbill.DNS.Name;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Domain names as SPF sees them: the checked identity's domain (RFC 7208 §4.3), and target names
 * built by macro expansion, which may hold any octet and are turned into DNS names label by label
 * rather than parsed as zone-file text.
 */
final class DomainNames {

    static final int MAX_LENGTH = 253;
    static final int MAX_LABEL = 63;
    /** Letters, digits, hyphens; underscores too, which some HELO names and service labels have. */
    private static final Pattern IDENTITY_LABEL = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?");
    private static final Pattern NUMERIC = Pattern.compile("[0-9]+");

    private DomainNames() {
    }

    /**
     * The domain of a checked identity (MAIL FROM domain or HELO name) in ASCII without the final
     * dot, or null when it is malformed or not a multi-label name (§4.3): check_host() then gives
     * "none" without asking DNS. Address literals such as "[192.0.2.1]" are not domains.
     */
    static String identityDomain(String domain) {
        if (domain == null) {
            return null;
        }
        String d = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
        if (!d.chars().allMatch(c -> c < 0x80)) {
            try {
                d = dev.tern.mail.Idna.toAscii(d);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        if (d.isEmpty() || d.length() > MAX_LENGTH) {
            return null;
        }
        String[] labels = d.split("\\.", -1);
        if (labels.length < 2 || NUMERIC.matcher(labels[labels.length - 1]).matches()) {
            return null;
        }
        for (String label : labels) {
            if (label.length() > MAX_LABEL || !IDENTITY_LABEL.matcher(label).matches()) {
                return null;
            }
        }
        return d;
    }

    /**
     * An expanded domain-spec as it is looked up: without its final dot, and shortened from the
     * left, label by label, to at most 253 characters (§7.3).
     */
    static String forQuery(String expanded) {
        String d = expanded.endsWith(".") ? expanded.substring(0, expanded.length() - 1) : expanded;
        while (d.length() > MAX_LENGTH) {
            int dot = d.indexOf('.');
            if (dot < 0) {
                break;
            }
            d = d.substring(dot + 1);
        }
        return d;
    }

    /**
     * The absolute DNS name of a domain, or null when no query can be made for it (an empty label,
     * a label over 63 octets, too long in all).
     */
    static Name toName(String domain) {
        if (domain == null) {
            return null;
        }
        String d = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
        if (d.isEmpty()) {
            return null;
        }
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (String label : d.split("\\.", -1)) {
            byte[] octets = label.getBytes(StandardCharsets.UTF_8);
            if (octets.length == 0 || octets.length > MAX_LABEL) {
                return null;
            }
            wire.write(octets.length);
            wire.writeBytes(octets);
        }
        wire.write(0);
        try {
            return new Name(wire.toByteArray());
        } catch (IOException e) {
            return null; // longer than 255 octets
        }
    }

    /** Whether the name has at least two labels besides the root. */
    static boolean isMultiLabel(Name name) {
        return name.labels() >= 3;
    }

    /** The name as plain text without the final dot and without zone-file escapes. */
    static String text(Name name) {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < name.labels(); i++) {
            byte[] label = name.getLabel(i); // length octet first
            if (label.length > 1) {
                labels.add(new String(label, 1, label.length - 1, StandardCharsets.UTF_8));
            }
        }
        return String.join(".", labels);
    }
}
