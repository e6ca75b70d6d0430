package dev.tern.mail;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AddressLiteralTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "[192.0.2.1]", "[0.0.0.0]", "[255.255.255.255]",
            "[IPv6:1:2:3:4:5:6:7:8]",             // IPv6-full
            "[IPv6:2001:DB8:0:0:8:800:200C:417A]",
            "[IPv6:::]", "[IPv6:::1]", "[IPv6:1::]", "[IPv6:1::8]", "[IPv6:2001:db8::1]",
            "[IPv6:1:2:3:4:5:6::]", "[IPv6:::1:2:3:4:5:6]", "[IPv6:1:2:3::4:5:6]",   // IPv6-comp, 6 groups
            "[IPv6:1:2:3:4:5:6:1.2.3.4]",         // IPv6v4-full
            "[IPv6:::ffff:1.2.3.4]", "[IPv6:::1.2.3.4]", "[IPv6:1::1.2.3.4]",
            "[IPv6:1:2:3:4::1.2.3.4]", "[IPv6:::1:2:3:4:1.2.3.4]", "[IPv6:1:2::3:4:1.2.3.4]",   // IPv6v4-comp, 4 groups
            "[ipv6:::1]", "[IPV6:ABCD::ef01]",
    })
    void validLiterals(String literal) {
        assertThat(AddressLiteral.isValid(literal)).as(literal).isTrue();
        assertThat(MailAddress.parse("x@" + literal).domain()).isEqualTo(literal.toLowerCase(java.util.Locale.ROOT));
        assertThat(IpAddresses.parseSmtpLiteral(literal)).as(literal).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "[IPv6::::::::::]", "[IPv6:1.2.3.4]", "[IPv6:::1:2:3:4:5:6:7:8:9]", "[IPv6:.....]",
            "[IPv6:]", "[IPv6::]", "[IPv6:1]", "[IPv6:1:2:3:4:5:6:7]", "[IPv6:1:2:3:4:5:6:7:8:9]",
            "[IPv6:1:::2]", "[IPv6:1::2::3]", "[IPv6:12345::]", "[IPv6:g::1]", "[IPv6::1]", "[IPv6:1:]",
            "[IPv6:1::2:]", "[IPv6:fe80::1%eth0]", "[IPv6:fe80::1%25eth0]", "[IPv6: ::1]",
            // "::" is at least two groups of zeros: seven groups do not fit with it
            "[IPv6:1:2:3:4:5:6:7::]", "[IPv6:::1:2:3:4:5:6:7]", "[IPv6:1:2:3:4::5:6:7]",
            // an IPv4 part after six groups, or four around "::", and it is a strict dotted quad
            "[IPv6:1:2:3:4:5:1.2.3.4]", "[IPv6:1:2:3:4:5:6:7:1.2.3.4]", "[IPv6:1:2:3:4:5::1.2.3.4]",
            "[IPv6:::1:2:3:4:5:1.2.3.4]", "[IPv6:::ffff:1.2.3]", "[IPv6:::ffff:256.1.1.1]",
            "[IPv6:::ffff:01.2.3.4]", "[IPv6:::1.2.3.4:1]", "[IPv6::1.2.3.4]", "[IPv6:::1.2.3.4.]",
            "[999.1.1.1]", "[192.0.2]", "[192.0.02.1]", "[tag:stuff]", "[]", "[IPv6:::1", "IPv6:::1]",
    })
    void malformedLiterals(String literal) {
        assertThat(AddressLiteral.isValid(literal)).as(literal).isFalse();
        assertThatThrownBy(() -> MailAddress.parse("x@" + literal)).as(literal)
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(IpAddresses.parseSmtpLiteral(literal)).as(literal).isEmpty();
    }
}
