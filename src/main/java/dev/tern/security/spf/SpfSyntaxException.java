package dev.tern.security.spf;

/** An SPF record, domain-spec or macro string that does not follow the RFC 7208 grammar. */
final class SpfSyntaxException extends Exception {

    SpfSyntaxException(String message) {
        super(message, null, false, false);
    }
}
