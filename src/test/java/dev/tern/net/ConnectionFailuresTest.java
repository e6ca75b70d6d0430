package dev.tern.net;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionFailuresTest {

    @Test
    void aPlaintextClientOnATlsPortIsNamedWithoutItsBytes() {
        NotSslRecordException e = new NotSslRecordException("not an SSL/TLS record: 45484c4f20636c69656e740d0a");
        assertThat(ConnectionFailures.reason(e)).isEqualTo("not a TLS record (a plaintext client on a TLS port?)");
        assertThat(ConnectionFailures.reason(new DecoderException(e))).doesNotContain("45484c4f");
    }

    @Test
    void theInnermostCauseSpeaks() {
        Exception e = new DecoderException("outer", new IllegalStateException("middle", new IOException("Connection reset by peer")));
        assertThat(ConnectionFailures.reason(e)).isEqualTo("Connection reset by peer");
        assertThat(ConnectionFailures.reason(new IOException())).isEqualTo("IOException");
    }
}
