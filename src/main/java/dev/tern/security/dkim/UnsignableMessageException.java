package dev.tern.security.dkim;

import java.io.IOException;

/**
 * A message that cannot be signed as it is (a header line beyond any sane length). Signing it again
 * would fail again: the caller sends it unsigned or refuses it, but does not retry.
 */
public final class UnsignableMessageException extends IOException {

    public UnsignableMessageException(String message) {
        super(message);
    }
}
