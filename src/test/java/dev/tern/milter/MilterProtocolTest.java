package dev.tern.milter;

import dev.tern.mail.MailException;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MilterProtocolTest {

    @Test
    void packetsCarryTheirLengthAndCommand() {
        byte[] p = MilterProtocol.packet(MilterProtocol.HELO, new MilterProtocol.Data().string("mx").bytes());
        assertThat(p).containsExactly(0, 0, 0, 4, 'H', 'm', 'x', 0);
        byte[] offer = MilterProtocol.packet(MilterProtocol.OPTION_NEGOTIATION, MilterProtocol.optionNegotiation());
        assertThat(offer).containsExactly(0, 0, 0, 13, 'O', 0, 0, 0, 6, 0, 0, 1, (byte) 0xff, 0, 0x1f, (byte) 0xff,
                (byte) 0xff);
    }

    @Test
    void theFiltersNegotiationWithItsMacroLists() {
        byte[] data = new MilterProtocol.Data().int32(6).int32(0x11).int32(MilterProtocol.NO_REPLY_HEADER | MilterProtocol.NO_BODY)
                .int32(MilterProtocol.STAGE_CONNECT).string("j {daemon_name} client_addr")
                .int32(MilterProtocol.STAGE_END_OF_MESSAGE).string("i").bytes();
        MilterConnection.Options o = MilterConnection.negotiated(MilterProtocol.OPTION_NEGOTIATION, data);
        assertThat(o.version()).isEqualTo(6);
        assertThat(o.actions()).isEqualTo(0x11);
        assertThat(o.skips(MilterProtocol.NO_BODY)).isTrue();
        assertThat(o.skips(MilterProtocol.NO_HEADERS)).isFalse();
        assertThat(o.macros().get(MilterProtocol.STAGE_CONNECT)).isEqualTo(Set.of("j", "{daemon_name}", "{client_addr}"));
        assertThat(o.macros().get(MilterProtocol.STAGE_END_OF_MESSAGE)).isEqualTo(Set.of("i"));

        assertThatThrownBy(() -> MilterConnection.negotiated(MilterProtocol.CONTINUE, new byte[12]))
                .isInstanceOf(MilterException.class);
        assertThatThrownBy(() -> MilterConnection.negotiated(MilterProtocol.OPTION_NEGOTIATION,
                new MilterProtocol.Data().int32(7).int32(0).int32(0).bytes())).hasMessageContaining("version 7");
        assertThatThrownBy(() -> MilterConnection.negotiated(MilterProtocol.OPTION_NEGOTIATION,
                new MilterProtocol.Data().int32(6).int32(0x400).int32(0).bytes())).hasMessageContaining("actions");
    }

    @Test
    void repliesAndChangesParse() {
        MilterReply insert = MilterReply.parse(MilterProtocol.INSERT_HEADER,
                new MilterProtocol.Data().int32(1).string("X-A").string("v").bytes());
        assertThat(insert.index()).isEqualTo(1);
        assertThat(insert.strings()).containsExactly("X-A", "v");
        assertThat(insert.isFinal()).isFalse();
        assertThat(MilterReply.parse(MilterProtocol.CONTINUE, new byte[0]).isFinal()).isTrue();
        assertThatThrownBy(() -> MilterReply.parse((byte) 'Z', new byte[0])).hasMessageContaining("unknown reply 'Z'");
        assertThatThrownBy(() -> MilterReply.parse(MilterProtocol.ADD_HEADER, new MilterProtocol.Data().string("X").bytes()))
                .hasMessageContaining("too few fields");
        assertThatThrownBy(() -> MilterReply.parse(MilterProtocol.CHANGE_HEADER, new byte[2]))
                .hasMessageContaining("index");
    }

    @Test
    void aFiltersOwnReply() {
        MailException m = MilterSession.ownReply("550 5.7.1 Sender refused");
        assertThat(m.code()).isEqualTo(550);
        assertThat(m.enhancedCode()).isEqualTo("5.7.1");
        assertThat(m.text()).isEqualTo("Sender refused");
        MailException multi = MilterSession.ownReply("451-4.7.0 first\r\n451 4.7.0 second");
        assertThat(multi.code()).isEqualTo(451);
        assertThat(multi.text()).isEqualTo("first second");
        MailException bare = MilterSession.ownReply("554 go away");
        assertThat(bare.enhancedCode()).as("a class-matching default").isEqualTo("5.7.1");
        assertThat(MilterSession.ownReply("421 4.3.2 bye\u0001").text()).isEqualTo("bye?");
        assertThatThrownBy(() -> MilterSession.ownReply("250 fine")).isInstanceOf(MilterException.class);
        assertThatThrownBy(() -> MilterSession.ownReply("nonsense")).isInstanceOf(MilterException.class);
        assertThat(MilterSession.ownReply("550 4.7.1 mismatched").enhancedCode()).isEqualTo("5.7.1");
    }
}
