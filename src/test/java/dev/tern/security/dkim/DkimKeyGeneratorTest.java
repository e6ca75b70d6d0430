package dev.tern.security.dkim;

import org.junit.jupiter.api.Test;

import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.YearMonth;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DkimKeyGeneratorTest {

    @Test
    void rsaKeysPublishTheirSubjectPublicKeyInfo() throws Exception {
        DkimKey k = DkimKeyGenerator.generate(DkimAlgorithm.RSA_SHA256, "s1");
        RSAPublicKey pub = (RSAPublicKey) KeyFactory.getInstance("RSA")
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(k.dnsPublicKey())));
        assertThat(pub.getModulus().bitLength()).isEqualTo(2048);
        assertThat(k.dnsRecordText()).isEqualTo("v=DKIM1; k=rsa; p=" + k.dnsPublicKey());
    }

    @Test
    void ed25519KeysPublishTheRaw32Octets() {
        DkimKey k = DkimKeyGenerator.generate(DkimAlgorithm.ED25519_SHA256, "s1");
        assertThat(Base64.getDecoder().decode(k.dnsPublicKey())).hasSize(32);
        assertThat(k.dnsRecordText()).startsWith("v=DKIM1; k=ed25519; p=");
    }

    @Test
    void storedFormRoundTrips() {
        for (DkimAlgorithm a : DkimAlgorithm.values()) {
            DkimKey k = DkimKeyGenerator.generate(a, "s1");
            DkimKey back = DkimKey.fromStored("s1", a.tagValue(), k.privateKeyPkcs8(), k.dnsPublicKey());
            assertThat(back.privateKeyPkcs8()).isEqualTo(k.privateKeyPkcs8());
            assertThat(back.algorithm()).isEqualTo(a);
        }
        assertThatThrownBy(() -> DkimKey.fromStored("s1", "rsa-sha256", "bm90IGEga2V5", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be read");
    }

    @Test
    void aKeySetHasMonthSelectorsThatAvoidTakenOnes() {
        List<DkimKey> set = DkimKeyGenerator.generateSet(YearMonth.of(2026, 11), Set.of());
        assertThat(set).extracting(DkimKey::selector).containsExactly("202611r", "202611e");
        assertThat(set).extracting(DkimKey::algorithm).containsExactly(DkimAlgorithm.RSA_SHA256, DkimAlgorithm.ED25519_SHA256);
        assertThat(DkimKeyGenerator.freeSelector(YearMonth.of(2027, 1), DkimAlgorithm.ED25519_SHA256,
                Set.of("202701e", "202701e2"))).isEqualTo("202701e3");
    }

    @Test
    void thePrivateKeyStaysOutOfToString() {
        DkimKey k = DkimKeyGenerator.generate(DkimAlgorithm.ED25519_SHA256, "s1");
        assertThat(k.toString()).doesNotContain(k.privateKeyPkcs8()).contains("s1");
    }

    @Test
    void selectorsMustBeDnsLabels() {
        assertThatThrownBy(() -> DkimKeyGenerator.generate(DkimAlgorithm.ED25519_SHA256, "bad selector"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DkimKeyGenerator.generate(DkimAlgorithm.ED25519_SHA256, "x'; DROP"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
