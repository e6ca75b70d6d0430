package dev.tern.directory;

import java.security.SecureRandom;

/**
 * Passwords Tern makes up when an operator asks for none: 16 characters from an alphabet without
 * look-alikes (no 0/O, 1/l/I), about 93 bits of randomness.
 */
public final class GeneratedPasswords {

    private static final char[] ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private GeneratedPasswords() {
    }

    public static String next() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            sb.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        return sb.toString();
    }
}
