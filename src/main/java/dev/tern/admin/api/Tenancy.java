package dev.tern.admin.api;

import dev.tern.admin.auth.Principal;
import dev.tern.admin.http.ApiException;
import dev.tern.directory.Directory;
import dev.tern.directory.DirectoryException;
import dev.tern.mail.MailAddress;

/**
 * The domain limits of tenant tokens. What a token may not use answers exactly as what does not
 * exist, so that a tenant learns nothing about other tenants' domains.
 */
final class Tenancy {

    private Tenancy() {
    }

    /** A domain the caller may use, as stored (A-labels); else 404 as if it did not exist. */
    static String domain(Principal who, String name) {
        String key = Directory.domainKey(name);
        if (!who.mayUse(key)) {
            throw ApiException.notFound("no such domain: " + key);
        }
        return key;
    }

    /** An address; 400 when it is not one. */
    static MailAddress address(String text) {
        try {
            return MailAddress.parse(text.strip());
        } catch (IllegalArgumentException e) {
            throw new DirectoryException("\"" + text + "\" is not a valid address: " + e.getMessage());
        }
    }

    /** An address in a domain the caller may use; else 404 with {@code what} ("no such account: …"). */
    static MailAddress address(Principal who, String text, String what) {
        MailAddress a = address(text);
        if (!who.mayUse(a.asciiDomain())) {
            throw ApiException.notFound("no such " + what + ": " + a.key());
        }
        return a;
    }

    /** The domain of an address, as stored, or null when the text is not an address. */
    static String domainOf(String address) {
        if (address == null || address.isEmpty()) {
            return null;
        }
        try {
            return MailAddress.parse(address).asciiDomain();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
