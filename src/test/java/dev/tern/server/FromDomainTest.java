package dev.tern.server;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FromDomainTest {

    @Test
    void theSigningDomainIsTheFirstFromAddresssDomain() {
        assertThat(TernServer.fromDomain("alice@A.Test")).isEqualTo("a.test");
        assertThat(TernServer.fromDomain("\"Smith, Alice <x@evil.test>\" <alice@a.test>")).isEqualTo("a.test");
        assertThat(TernServer.fromDomain("Team: alice@a.test, bob@b.test;")).isEqualTo("a.test");
        assertThat(TernServer.fromDomain("alice@a.test (comment@evil.test)")).isEqualTo("a.test");
        assertThat(TernServer.fromDomain("undisclosed")).isNull();
        assertThat(TernServer.fromDomain("")).isNull();
    }
}
