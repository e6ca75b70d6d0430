package dev.tern.directory;

import com.password4j.Argon2Function;
import com.password4j.Password;
import org.apache.commons.codec.digest.Md5Crypt;
import org.apache.commons.codec.digest.Sha2Crypt;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Password hashes that another server wrote, brought over with their accounts (docs/migration.md):
 * in Dovecot's notation {@code {SCHEME}value}, or a bare crypt string ({@code $6$…}). A login
 * with one is checked against it, and the password is then kept Tern's way (Argon2id, SCRAM keys)
 * and the foreign hash forgotten.
 *
 * <p>Kept as {@code {SCHEME}value}, which Tern's own hashes (PHC strings, {@code $argon2id$…})
 * never look like. Schemes: the crypt family ({@code SHA512-CRYPT}, {@code SHA256-CRYPT},
 * {@code BLF-CRYPT}, {@code MD5-CRYPT}, and {@code CRYPT} naming one of them by its prefix),
 * {@code ARGON2ID} and {@code ARGON2I}, the salted digests of LDAP and Dovecot ({@code SSHA512},
 * {@code SSHA256}, {@code SSHA}, {@code SMD5}) and the unsalted ones ({@code SHA512},
 * {@code SHA256}, {@code SHA}/{@code SHA1}, {@code PLAIN-MD5}), base64 or hex ({@code .HEX},
 * {@code .B64} suffixes as Dovecot writes them). A clear-text {@code {PLAIN}} is hashed at once
 * by whoever imports it, never kept.
 *
 * <p>Dovecot's stored SASL credentials are hashes too: {@code {SCRAM-SHA-256}} and
 * {@code {SCRAM-SHA-1}} ({@code iterations,salt,StoredKey,ServerKey}, base64) check a password by
 * deriving StoredKey again, and {@code {CRAM-MD5}} (the HMAC-MD5 states, the form
 * {@link CramMd5Secret} keeps) by computing the states again. An account imported with a
 * SCRAM-SHA-256 or CRAM-MD5 value also gets it as its SCRAM or CRAM-MD5 secret
 * ({@link #scramSecret}, {@link #cramMd5Secret}), so those mechanisms work before its first login.
 */
public final class ForeignPasswordHash {

    /** Digest schemes: the algorithm, and whether a salt follows the digest. */
    private record Digest(String algorithm, int length, boolean salted) {
    }

    private static final Map<String, Digest> DIGESTS = Map.of(
            "SSHA512", new Digest("SHA-512", 64, true), "SSHA256", new Digest("SHA-256", 32, true),
            "SSHA", new Digest("SHA-1", 20, true), "SMD5", new Digest("MD5", 16, true),
            "SHA512", new Digest("SHA-512", 64, false), "SHA256", new Digest("SHA-256", 32, false),
            "SHA", new Digest("SHA-1", 20, false), "SHA1", new Digest("SHA-1", 20, false),
            "PLAIN-MD5", new Digest("MD5", 16, false), "LDAP-MD5", new Digest("MD5", 16, false));
    private static final List<String> CRYPTS = List.of("SHA512-CRYPT", "SHA256-CRYPT", "BLF-CRYPT", "MD5-CRYPT",
            "ARGON2ID", "ARGON2I");
    /** Dovecot's SASL credentials: the HMAC each SCRAM variant uses, and CRAM-MD5's states. */
    private static final Map<String, String> SCRAMS = Map.of("SCRAM-SHA-256", "HmacSHA256", "SCRAM-SHA-1", "HmacSHA1");
    private static final String CRAM_MD5 = "CRAM-MD5";
    /**
     * The most iterations a SCRAM value may ask for: every PLAIN login with it runs them (Dovecot
     * writes 4096), and a value with a billion would hold a login thread for minutes.
     */
    static final int MAX_SCRAM_ITERATIONS = 1_000_000;
    /** The clear-text schemes: the value is the password itself. */
    public static final List<String> CLEAR = List.of("PLAIN", "CLEAR", "CLEARTEXT");

    private ForeignPasswordHash() {
    }

    /** True for a stored hash of another server's (as opposed to one of Tern's own). */
    public static boolean isForeign(String stored) {
        return stored != null && stored.startsWith("{");
    }

    /**
     * The clear-text password of a {@code {PLAIN}} value, or null for a hash: what an import
     * hashes Tern's way at once.
     */
    public static String clearText(String text) {
        String t = text.trim();
        for (String scheme : CLEAR) {
            String prefix = "{" + scheme + "}";
            if (t.regionMatches(true, 0, prefix, 0, prefix.length())) {
                return t.substring(prefix.length());
            }
        }
        return null;
    }

    /**
     * A hash as it is kept: {@code {SCHEME}value}, the scheme upper-cased, a bare crypt string
     * given its scheme.
     *
     * @throws DirectoryException naming what is wrong when it is not a hash Tern can check
     */
    public static String parse(String text) {
        String t = text.trim();
        String scheme;
        String value;
        if (t.startsWith("{")) {
            int end = t.indexOf('}');
            if (end < 0) {
                throw new DirectoryException("a password hash {SCHEME}value has no closing }");
            }
            scheme = t.substring(1, end).toUpperCase(Locale.ROOT);
            value = t.substring(end + 1);
        } else {
            scheme = "CRYPT";
            value = t;
        }
        if (scheme.equals("CRYPT") || scheme.equals("MD5")) {
            scheme = cryptScheme(value);
        }
        String base = withoutEncoding(scheme);
        if (CLEAR.contains(base)) {
            throw new DirectoryException("{" + base + "} is a clear-text password, not a hash: give it as the password");
        }
        boolean known = CRYPTS.contains(base) || DIGESTS.containsKey(base) || SCRAMS.containsKey(base) || base.equals(CRAM_MD5);
        if (!known) {
            throw new DirectoryException("password scheme {" + base + "} is not one Tern can check; it can: "
                    + String.join(", ", CRYPTS) + ", CRYPT, " + String.join(", ", DIGESTS.keySet().stream().sorted().toList())
                    + ", SCRAM-SHA-256, SCRAM-SHA-1, CRAM-MD5");
        }
        if (SCRAMS.containsKey(base)) {
            scram(base, value);   // throws saying what is wrong
        } else if (base.equals(CRAM_MD5)) {
            value = value.toLowerCase(Locale.ROOT);
            cram(value);
        } else if (CRYPTS.contains(base) ? !validCrypt(base, value) : digestOf(scheme, value) == null) {
            throw new DirectoryException("not a valid {" + base + "} hash");
        }
        return "{" + scheme + "}" + value;
    }

    /** Whether {@code password} is the one a stored foreign hash was made from. */
    public static boolean verify(String password, String stored) {
        if (!isForeign(stored) || password == null) {
            return false;
        }
        int end = stored.indexOf('}');
        if (end < 0) {
            return false;
        }
        String scheme = stored.substring(1, end);
        String value = stored.substring(end + 1);
        String base = withoutEncoding(scheme);
        byte[] pw = password.getBytes(StandardCharsets.UTF_8);
        try {
            return switch (base) {
                case "SHA512-CRYPT" -> same(Sha2Crypt.sha512Crypt(pw, value), value);
                case "SHA256-CRYPT" -> same(Sha2Crypt.sha256Crypt(pw, value), value);
                case "MD5-CRYPT" -> same(Md5Crypt.md5Crypt(pw, value), value);
                case "BLF-CRYPT" -> OpenBSDBCrypt.checkPassword(value, password.toCharArray());
                case "ARGON2ID", "ARGON2I" -> Password.check(password, value).with(Argon2Function.getInstanceFromHash(value));
                case "SCRAM-SHA-256", "SCRAM-SHA-1" -> verifyScram(base, value, password);
                case CRAM_MD5 -> same(CramMd5Secret.create(password).encode(), "{" + CRAM_MD5 + "}" + value);
                default -> verifyDigest(scheme, value, pw);
            };
        } catch (RuntimeException e) {
            return false;   // a value the library cannot read matches no password
        }
    }

    /**
     * The SCRAM-SHA-256 secret a stored {@code {SCRAM-SHA-256}} value holds, for the mechanism of
     * that name; null for any other hash.
     */
    public static ScramSecret scramSecret(String stored) {
        String prefix = "{SCRAM-SHA-256}";
        if (stored == null || !stored.startsWith(prefix)) {
            return null;
        }
        Scram s = scram("SCRAM-SHA-256", stored.substring(prefix.length()));
        return new ScramSecret(s.iterations(), s.salt(), s.storedKey(), s.serverKey());
    }

    /** The CRAM-MD5 states a stored {@code {CRAM-MD5}} value holds; null for any other hash. */
    public static CramMd5Secret cramMd5Secret(String stored) {
        return stored != null && stored.startsWith("{" + CRAM_MD5 + "}") ? cram(stored.substring(CRAM_MD5.length() + 2)) : null;
    }

    /** A SCRAM value as Dovecot writes it: {@code iterations,salt,StoredKey,ServerKey}, base64. */
    private record Scram(int iterations, byte[] salt, byte[] storedKey, byte[] serverKey) {
    }

    private static Scram scram(String scheme, String value) {
        String[] parts = value.split(",", -1);
        int keyLength = scheme.equals("SCRAM-SHA-1") ? 20 : 32;
        try {
            Base64.Decoder b64 = Base64.getDecoder();
            Scram s = new Scram(parts.length == 4 ? Integer.parseInt(parts[0]) : 0,
                    parts.length == 4 ? b64.decode(parts[1]) : new byte[0],
                    parts.length == 4 ? b64.decode(parts[2]) : new byte[0], parts.length == 4 ? b64.decode(parts[3]) : new byte[0]);
            if (s.iterations() > MAX_SCRAM_ITERATIONS) {
                throw new DirectoryException("a {" + scheme + "} value may ask for at most " + MAX_SCRAM_ITERATIONS + " iterations");
            }
            if (s.iterations() >= 1 && s.salt().length > 0 && s.storedKey().length == keyLength
                    && s.serverKey().length == keyLength) {
                return s;
            }
        } catch (IllegalArgumentException e) {
            // not numbers, not base64: said below
        }
        throw new DirectoryException("not a valid {" + scheme + "} value (iterations,salt,StoredKey,ServerKey in base64)");
    }

    private static CramMd5Secret cram(String value) {
        try {
            return CramMd5Secret.parse("{" + CRAM_MD5 + "}" + value.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new DirectoryException("not a valid {CRAM-MD5} value (64 hexadecimal digits)");
        }
    }

    /**
     * Derives StoredKey from the password as it is and, when SASLprep changes it, as prepared:
     * Dovecot derives from the bytes as typed, a client of the SCRAM mechanism from the prepared form.
     */
    private static boolean verifyScram(String scheme, String value, String password) {
        Scram s = scram(scheme, value);
        String mac = SCRAMS.get(scheme);
        String digest = scheme.equals("SCRAM-SHA-1") ? "SHA-1" : "SHA-256";
        String prepared = SaslPrep.prepareOrKeep(password);
        for (String candidate : prepared.equals(password) ? List.of(password) : List.of(password, prepared)) {
            byte[] salted = ScramSecret.hi(mac, candidate.getBytes(StandardCharsets.UTF_8), s.salt(), s.iterations());
            byte[] clientKey = ScramSecret.hmac(mac, salted, "Client Key".getBytes(StandardCharsets.US_ASCII));
            try {
                if (MessageDigest.isEqual(MessageDigest.getInstance(digest).digest(clientKey), s.storedKey())) {
                    return true;
                }
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return false;
    }

    private static String cryptScheme(String value) {
        if (value.startsWith("$6$")) {
            return "SHA512-CRYPT";
        }
        if (value.startsWith("$5$")) {
            return "SHA256-CRYPT";
        }
        if (value.startsWith("$1$")) {
            return "MD5-CRYPT";
        }
        if (value.matches("^\\$2[aby]\\$.*")) {
            return "BLF-CRYPT";
        }
        if (value.startsWith("$argon2id$")) {
            return "ARGON2ID";
        }
        if (value.startsWith("$argon2i$")) {
            return "ARGON2I";
        }
        throw new DirectoryException("a crypt hash Tern can check begins with $6$, $5$, $1$, $2y$ (or $2a$, $2b$) or "
                + "$argon2id$; DES crypt and others are not supported");
    }

    private static boolean validCrypt(String scheme, String value) {
        return switch (scheme) {
            case "SHA512-CRYPT" -> value.matches("^\\$6\\$(rounds=\\d+\\$)?[^$]{1,16}\\$[./0-9A-Za-z]{86}$");
            case "SHA256-CRYPT" -> value.matches("^\\$5\\$(rounds=\\d+\\$)?[^$]{1,16}\\$[./0-9A-Za-z]{43}$");
            case "MD5-CRYPT" -> value.matches("^\\$1\\$[^$]{1,8}\\$[./0-9A-Za-z]{22}$");
            case "BLF-CRYPT" -> value.matches("^\\$2[aby]\\$\\d{2}\\$[./0-9A-Za-z]{53}$");
            case "ARGON2ID" -> value.startsWith("$argon2id$") && value.split("\\$").length == 6;
            case "ARGON2I" -> value.startsWith("$argon2i$") && value.split("\\$").length == 6;
            default -> false;
        };
    }

    /** The digest (and salt) a digest scheme's value holds; null when it holds none of the right size. */
    private static byte[] digestOf(String scheme, String value) {
        Digest d = DIGESTS.get(withoutEncoding(scheme));
        if (d == null) {
            return null;
        }
        byte[] raw;
        try {
            boolean hex = scheme.endsWith(".HEX")
                    || (!scheme.contains(".") && !d.salted() && value.length() == d.length() * 2 && value.matches("[0-9a-fA-F]+"));
            raw = hex ? HexFormat.of().parseHex(value) : Base64.getDecoder().decode(value.trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
        boolean fits = d.salted() ? raw.length > d.length() : raw.length == d.length();
        return fits ? raw : null;
    }

    private static boolean verifyDigest(String scheme, String value, byte[] password) {
        byte[] raw = digestOf(scheme, value);
        if (raw == null) {
            return false;
        }
        Digest d = DIGESTS.get(withoutEncoding(scheme));
        try {
            MessageDigest md = MessageDigest.getInstance(d.algorithm());
            md.update(password);
            if (d.salted()) {
                md.update(raw, d.length(), raw.length - d.length());
            }
            byte[] expected = java.util.Arrays.copyOf(raw, d.length());
            return MessageDigest.isEqual(md.digest(), expected);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A scheme's name without the encoding Dovecot may append to it ({@code SHA256.HEX} is SHA256). */
    private static String withoutEncoding(String scheme) {
        return scheme.replaceFirst("\\.(HEX|B64|BASE64)$", "");
    }

    private static boolean same(String computed, String stored) {
        return MessageDigest.isEqual(computed.getBytes(StandardCharsets.US_ASCII), stored.getBytes(StandardCharsets.US_ASCII));
    }
}
