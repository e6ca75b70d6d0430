package dev.tern.store;

import java.util.Optional;

/**
 * Secrets the server makes for itself and every node must share (the key that signs rewritten
 * sender addresses, say): made once, by whichever process needs one first, and never changed.
 */
public interface SecretDao {

    /** The secret of that name, if one was made. */
    Optional<String> secret(String name);

    /**
     * Keeps {@code value} as the secret of that name unless one is kept already (another process
     * may have made it first); returns the one kept.
     */
    String keep(String name, String value, java.time.Instant now);
}
