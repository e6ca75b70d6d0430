package dev.tern.directory;

import org.bouncycastle.crypto.digests.MD5Digest;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * What a server keeps to verify CRAM-MD5 (RFC 2195) without the password: the MD5 states of
 * HMAC-MD5 (RFC 2104) after its first block, {@code key XOR ipad} (inner) and {@code key XOR opad}
 * (outer). Verifying a response resumes both states instead of hashing the key again.
 *
 * <p>Security: the states are password-equivalent for CRAM-MD5 (whoever has them can answer any
 * challenge), so accounts get them only when an operator enables CRAM-MD5 for them.
 *
 * <p>Text form, Dovecot's {@code CRAM-MD5} scheme so that secrets can move between the two:
 * {@code {CRAM-MD5}} and 64 hex digits, the outer then the inner state, each as the four MD5 chaining
 * words in little-endian order. The states are carried through Bouncy Castle's encoded MD5 state
 * (after exactly one 64-byte block it holds the chaining words at a fixed place, checked at start).
 */
public final class CramMd5Secret {

    private static final String PREFIX = "{CRAM-MD5}";
    private static final int BLOCK = 64;
    /** Where Bouncy Castle's encoded MD5 state keeps H1..H4 (big-endian), and the length after one block. */
    private static final int STATE_WORDS_AT = 16;
    private static final byte[] ONE_BLOCK_TEMPLATE = oneBlockTemplate();

    private final byte[] outer;
    private final byte[] inner;

    private CramMd5Secret(byte[] outer, byte[] inner) {
        this.outer = outer;
        this.inner = inner;
    }

    /** The states for a password (its UTF-8 bytes are the HMAC key; longer than 64 bytes: its MD5, RFC 2104). */
    public static CramMd5Secret create(String password) {
        byte[] key = password.getBytes(StandardCharsets.UTF_8);
        if (key.length > BLOCK) {
            MD5Digest d = new MD5Digest();
            d.update(key, 0, key.length);
            key = new byte[d.getDigestSize()];
            d.doFinal(key, 0);
        }
        return new CramMd5Secret(padState(key, (byte) 0x5c), padState(key, (byte) 0x36));
    }

    public static CramMd5Secret parse(String text) {
        if (text == null || !text.startsWith(PREFIX) || text.length() != PREFIX.length() + 64) {
            throw new IllegalArgumentException("not a CRAM-MD5 secret");
        }
        byte[] raw = HexFormat.of().parseHex(text.substring(PREFIX.length()));
        return new CramMd5Secret(fromLittleEndian(raw, 0), fromLittleEndian(raw, 16));
    }

    public String encode() {
        byte[] raw = new byte[32];
        toLittleEndian(outer, raw, 0);
        toLittleEndian(inner, raw, 16);
        return PREFIX + HexFormat.of().formatHex(raw);
    }

    /** HMAC-MD5(password, message), resumed from the stored states. */
    public byte[] hmac(byte[] message) {
        MD5Digest in = resume(inner);
        in.update(message, 0, message.length);
        byte[] innerHash = new byte[16];
        in.doFinal(innerHash, 0);
        MD5Digest out = resume(outer);
        out.update(innerHash, 0, innerHash.length);
        byte[] mac = new byte[16];
        out.doFinal(mac, 0);
        return mac;
    }

    /** The chaining words (H1..H4, big-endian) after one block of {@code key XOR pad}. */
    private static byte[] padState(byte[] key, byte pad) {
        byte[] block = new byte[BLOCK];
        for (int i = 0; i < BLOCK; i++) {
            block[i] = (byte) ((i < key.length ? key[i] : 0) ^ pad);
        }
        MD5Digest d = new MD5Digest();
        d.update(block, 0, BLOCK);
        return Arrays.copyOfRange(d.getEncodedState(), STATE_WORDS_AT, STATE_WORDS_AT + 16);
    }

    private static MD5Digest resume(byte[] words) {
        byte[] state = ONE_BLOCK_TEMPLATE.clone();
        System.arraycopy(words, 0, state, STATE_WORDS_AT, 16);
        return new MD5Digest(state);
    }

    /** Bouncy Castle's encoded state after one block; fails at start if its layout is not the one relied on. */
    private static byte[] oneBlockTemplate() {
        MD5Digest d = new MD5Digest();
        d.update(new byte[BLOCK], 0, BLOCK);
        byte[] state = d.getEncodedState();
        // Layout: xBuf[4], xBufOff int, byteCount long (= 64), H1..H4, xOff int (= 0), purpose byte.
        boolean expected = state.length == 37 && state[15] == BLOCK && state[14] == 0 && state[35] == 0;
        if (!expected) {
            throw new IllegalStateException("unexpected Bouncy Castle MD5 state layout");
        }
        // Check that the words sit where we copy them: resuming must give MD5 of two zero blocks.
        MD5Digest resumed = new MD5Digest(state);
        resumed.update(new byte[BLOCK], 0, BLOCK);
        MD5Digest direct = new MD5Digest();
        direct.update(new byte[2 * BLOCK], 0, 2 * BLOCK);
        byte[] a = new byte[16];
        byte[] b = new byte[16];
        resumed.doFinal(a, 0);
        direct.doFinal(b, 0);
        if (!Arrays.equals(a, b)) {
            throw new IllegalStateException("unexpected Bouncy Castle MD5 state layout");
        }
        return state;
    }

    private static byte[] fromLittleEndian(byte[] raw, int at) {
        byte[] words = new byte[16];
        for (int w = 0; w < 4; w++) {
            for (int i = 0; i < 4; i++) {
                words[w * 4 + i] = raw[at + w * 4 + 3 - i];
            }
        }
        return words;
    }

    private static void toLittleEndian(byte[] words, byte[] raw, int at) {
        for (int w = 0; w < 4; w++) {
            for (int i = 0; i < 4; i++) {
                raw[at + w * 4 + 3 - i] = words[w * 4 + i];
            }
        }
    }

    @Override
    public String toString() {
        return "CramMd5Secret";
    }
}
