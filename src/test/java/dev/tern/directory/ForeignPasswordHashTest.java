package dev.tern.directory;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Hashes of "correct horse" as Dovecot 2.3's {@code doveadm pw -s SCHEME} wrote them. */
public class ForeignPasswordHashTest {

    public static final String PASSWORD = "correct horse";
    public static final Map<String, String> DOVEADM = Map.ofEntries(
            Map.entry("SHA512-CRYPT", "{SHA512-CRYPT}$6$z/7NIUC223vrmVL2$6ctSLRhThNu3bDlxbhxSdolTlqoxbQPUb04xM2GAMjNnA3sn6wpT6uP1HoI9.IGTofyHOHvDlOfE04wPHiBhr1"),
            Map.entry("SHA256-CRYPT", "{SHA256-CRYPT}$5$a9Fhp2BcZTdx7kAN$lKXx0DIy.GbppCYvwDoFiwEZdUd5CmPNGthwCWaDW01"),
            Map.entry("BLF-CRYPT", "{BLF-CRYPT}$2y$05$h9ILylEotGsMchzKZuBDxe4Og9VmyvJkcD2ZQ2yxQyhylNBDow0im"),
            Map.entry("ARGON2ID", "{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$R9HjSXkq5w/dgYqqpVpDDQ$OZQnlPjCDMzz8KoOEThr1bHtEQ8drl/skRvFQvUILZE"),
            Map.entry("ARGON2I", "{ARGON2I}$argon2i$v=19$m=32768,t=4,p=1$j4p9D/k1EXUVTBCVpG/VPw$3BAGwHNHuGVsM4/7RJRDBHk9tS9+u82YR0YaidyaLFE"),
            Map.entry("MD5-CRYPT", "{MD5-CRYPT}$1$kkqlDP5m$UdBAt07bsIkk2p43DIvJe/"),
            Map.entry("SSHA512", "{SSHA512}mp1dswxIH7vwwOz+IZvd7/ZxR34d4WSNtBnTTfeqwLnrVRqWbl3Sg6XkxYOIwXnIzf+DWNWBf8J0t2dj/+KsX6i/iWY="),
            Map.entry("SSHA256", "{SSHA256}jioSLJgDM0PDVffrRwhGa6OUPeg3BZ5iRZMbbdNyvsKELghj"),
            Map.entry("SSHA", "{SSHA}Pc2rB0jKCp2Ef8YC2uDHyuPZJFT7a3aw"),
            Map.entry("SHA512", "{SHA512}VraY3v7bWkNbY0r+MyC7rz/c2SC2xQOkRvx7endrKY1HnRumqLYXgI6wv1ec6aldZoNHvKtxSQhayTyyeZUZew=="),
            Map.entry("SHA256", "{SHA256}QQTTb42iwlQ0n4WDZ5Pr4CngyVcGOjTJHC6SAxh7VjE="),
            Map.entry("SHA", "{SHA}L55TUjtiq8FBorTWAZ0jy6g129A="),
            Map.entry("PLAIN-MD5", "{PLAIN-MD5}3cb4e732631f47e6eb961f34554b7cde"),
            Map.entry("CRYPT", "{CRYPT}$2y$05$3UarWDaNgjAd0dJrdQpGvubleXva0O0ar8I8C8Jkl0VJfcUBRXK.y"),
            Map.entry("SCRAM-SHA-256", "{SCRAM-SHA-256}4096,nQzEFYsgWxEHRM+vFMdpLQ==,EZ8oW7XmODyW0Rr0WXfuwBCqeYw8vlFJM9xkvdSbJpA=,aVnuoZdxXJsTSYuuuaVD5W4dnCpcTRPQrpHaQP5rJvk="),
            Map.entry("SCRAM-SHA-1", "{SCRAM-SHA-1}4096,Vntcs2dS2pqXr+OsxIKD7g==,cHvyo4YI08x9LwrvpkddXEnqV98=,DHThkJNOzSoE7e9sXtLHHrq2zIY="),
            Map.entry("CRAM-MD5", "{CRAM-MD5}38b57fd1a0c4b46c814aa05f20318edd71c455380655f2c0ac35c5b359528d29"));

    @Test
    void everySchemeDovecotWritesAcceptsItsPasswordAndNoOther() {
        DOVEADM.forEach((scheme, hash) -> {
            String kept = ForeignPasswordHash.parse(hash);
            assertThat(ForeignPasswordHash.isForeign(kept)).as(scheme).isTrue();
            assertThat(ForeignPasswordHash.verify(PASSWORD, kept)).as(scheme).isTrue();
            assertThat(PasswordHasher.verify(PASSWORD, kept)).as(scheme + " through the account hasher").isTrue();
            assertThat(ForeignPasswordHash.verify("correct horsf", kept)).as(scheme).isFalse();
            assertThat(ForeignPasswordHash.verify("", kept)).as(scheme).isFalse();
        });
    }

    @Test
    void aCryptStringIsKeptUnderTheSchemeItsPrefixNames() {
        assertThat(ForeignPasswordHash.parse(DOVEADM.get("CRYPT"))).startsWith("{BLF-CRYPT}$2y$05$");
        String sha512 = DOVEADM.get("SHA512-CRYPT").substring("{SHA512-CRYPT}".length());
        assertThat(ForeignPasswordHash.parse(sha512)).as("a bare /etc/shadow hash").isEqualTo(DOVEADM.get("SHA512-CRYPT"));
        assertThat(ForeignPasswordHash.parse("{sha512-crypt}" + sha512)).isEqualTo(DOVEADM.get("SHA512-CRYPT"));
        assertThat(ForeignPasswordHash.parse("{MD5}$1$kkqlDP5m$UdBAt07bsIkk2p43DIvJe/"))
                .as("Dovecot's old name of MD5-CRYPT").isEqualTo(DOVEADM.get("MD5-CRYPT"));
        String hex = "{SHA256.HEX}" + java.util.HexFormat.of().formatHex(
                java.util.Base64.getDecoder().decode(DOVEADM.get("SHA256").substring("{SHA256}".length())));
        assertThat(ForeignPasswordHash.verify(PASSWORD, ForeignPasswordHash.parse(hex))).isTrue();
        assertThat(ForeignPasswordHash.isForeign(PasswordHasher.hash(PASSWORD))).as("Tern's own").isFalse();
    }

    @Test
    void dovecotsSaslCredentialsAreAlsoTheSecretsOfTheirMechanisms() {
        ScramSecret scram = ForeignPasswordHash.scramSecret(ForeignPasswordHash.parse(DOVEADM.get("SCRAM-SHA-256")));
        ScramSecret derived = ScramSecret.derive(PASSWORD, scram.salt(), scram.iterations());
        assertThat(scram.iterations()).isEqualTo(4096);
        assertThat(scram.storedKey()).isEqualTo(derived.storedKey());
        assertThat(scram.serverKey()).as("what the server proves itself with").isEqualTo(derived.serverKey());
        assertThat(ForeignPasswordHash.scramSecret(DOVEADM.get("SCRAM-SHA-1"))).as("not a SCRAM-SHA-256 key").isNull();
        assertThat(ForeignPasswordHash.scramSecret(DOVEADM.get("SHA512-CRYPT"))).isNull();

        String upperCaseHex = DOVEADM.get("CRAM-MD5").toUpperCase(java.util.Locale.ROOT);
        CramMd5Secret cram = ForeignPasswordHash.cramMd5Secret(ForeignPasswordHash.parse(upperCaseHex));
        assertThat(cram.encode()).isEqualTo(CramMd5Secret.create(PASSWORD).encode());
        assertThat(ForeignPasswordHash.cramMd5Secret(DOVEADM.get("SSHA"))).isNull();

        String unicode = "{SCRAM-SHA-256}4096,TZXimNCTNG4nzT1hrt95JA==,5MjUw5omt9L+7Wxx8WzhfGe8i62hEO5fBwqzCZqQ9Wo=,"
                + "72TRRAqKtbXaYsxDzoVmiDKQ0QBbPld25RqqCRAt3I4=";
        assertThat(ForeignPasswordHash.verify("I\u00f1t\u00ebrn \ud83d\ude00", ForeignPasswordHash.parse(unicode)))
                .as("a password beyond ASCII, as doveadm derived it").isTrue();
    }

    @Test
    void whatCannotBeCheckedIsRefusedSayingWhy() {
        assertThatThrownBy(() -> ForeignPasswordHash.parse("{NTLM}8846F7EAEE8FB117AD06BDD830B7586C"))
                .hasMessageContaining("{NTLM} is not one Tern can check").hasMessageContaining("SHA512-CRYPT");
        assertThatThrownBy(() -> ForeignPasswordHash.parse("{CRYPT}abJnggxhB/yWI"))
                .as("DES crypt").hasMessageContaining("DES crypt");
        assertThatThrownBy(() -> ForeignPasswordHash.parse("{SHA512-CRYPT}$6$short$abc"))
                .hasMessageContaining("not a valid {SHA512-CRYPT} hash");
        assertThatThrownBy(() -> ForeignPasswordHash.parse("{SSHA}not base64!")).hasMessageContaining("not a valid {SSHA}");
        assertThatThrownBy(() -> ForeignPasswordHash.parse("{SHA256}QQTT")).hasMessageContaining("not a valid {SHA256}");
        assertThatThrownBy(() -> ForeignPasswordHash.parse("{PLAIN}secret")).hasMessageContaining("clear-text");
        assertThatThrownBy(() -> ForeignPasswordHash.parse("{SCRAM-SHA-256}4096,c2FsdA==,c2hvcnQ=,c2hvcnQ="))
                .hasMessageContaining("not a valid {SCRAM-SHA-256} value");
        assertThatThrownBy(() -> ForeignPasswordHash.parse(DOVEADM.get("SCRAM-SHA-1").replace("4096,", "2000000000,")))
                .hasMessageContaining("at most 1000000 iterations");
        assertThatThrownBy(() -> ForeignPasswordHash.parse("{SCRAM-SHA-1}4096,salt")).hasMessageContaining("not a valid {SCRAM-SHA-1}");
        assertThatThrownBy(() -> ForeignPasswordHash.parse("{CRAM-MD5}38b57fd1")).hasMessageContaining("64 hexadecimal digits");
        assertThatThrownBy(() -> ForeignPasswordHash.parse("{DIGEST-MD5}39d63f301b51ab17e95b9181a9fd1ed7"))
                .hasMessageContaining("{DIGEST-MD5} is not one Tern can check");
        assertThatThrownBy(() -> ForeignPasswordHash.parse("{SHA512-CRYPT")).hasMessageContaining("no closing }");
        assertThat(ForeignPasswordHash.clearText("{PLAIN}pass word")).isEqualTo("pass word");
        assertThat(ForeignPasswordHash.clearText("{cleartext}x")).isEqualTo("x");
        assertThat(ForeignPasswordHash.clearText(DOVEADM.get("SHA"))).isNull();
        assertThat(ForeignPasswordHash.verify(PASSWORD, "{SHA512-CRYPT}$6$broken")).as("a damaged stored hash").isFalse();
    }
}
