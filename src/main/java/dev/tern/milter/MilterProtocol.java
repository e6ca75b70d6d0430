package dev.tern.milter;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The Sendmail milter protocol, version 6, as libmilter and Postfix speak it: a packet is a 32-bit
 * big-endian length, a command letter and its data; strings end in a NUL. This class holds the
 * letters and bits and builds the MTA's packets; it does no I/O.
 */
final class MilterProtocol {

    static final int VERSION = 6;

    // Commands, MTA to filter.
    static final byte ABORT = 'A';
    static final byte BODY = 'B';
    static final byte CONNECT = 'C';
    static final byte MACRO = 'D';
    static final byte END_OF_BODY = 'E';
    static final byte HELO = 'H';
    static final byte HEADER = 'L';
    static final byte MAIL = 'M';
    static final byte END_OF_HEADERS = 'N';
    static final byte OPTION_NEGOTIATION = 'O';
    static final byte QUIT = 'Q';
    static final byte RCPT = 'R';
    static final byte DATA = 'T';

    // Replies, filter to MTA.
    static final byte ADD_RECIPIENT = '+';
    static final byte DELETE_RECIPIENT = '-';
    static final byte ADD_RECIPIENT_WITH_PARAMETERS = '2';
    static final byte SHUTDOWN = '4';
    static final byte ACCEPT = 'a';
    static final byte REPLACE_BODY = 'b';
    static final byte CONTINUE = 'c';
    static final byte DISCARD = 'd';
    static final byte CHANGE_SENDER = 'e';
    static final byte CONNECTION_FAILURE = 'f';
    static final byte ADD_HEADER = 'h';
    static final byte INSERT_HEADER = 'i';
    static final byte SET_MACRO_LIST = 'l';
    static final byte CHANGE_HEADER = 'm';
    static final byte PROGRESS = 'p';
    static final byte QUARANTINE = 'q';
    static final byte REJECT = 'r';
    static final byte SKIP = 's';
    static final byte TEMPFAIL = 't';
    static final byte REPLY_CODE = 'y';

    // What a filter may do at the end of a message (SMFIF_*): Tern offers all of it.
    static final int ACTIONS_ALL = 0x1ff;

    // Steps a filter does not want (SMFIP_NO*), replies it will not send (SMFIP_NR_*), and extensions.
    static final int NO_CONNECT = 1;
    static final int NO_HELO = 1 << 1;
    static final int NO_MAIL = 1 << 2;
    static final int NO_RCPT = 1 << 3;
    static final int NO_BODY = 1 << 4;
    static final int NO_HEADERS = 1 << 5;
    static final int NO_END_OF_HEADERS = 1 << 6;
    static final int NO_REPLY_HEADER = 1 << 7;
    static final int NO_UNKNOWN = 1 << 8;
    static final int NO_DATA = 1 << 9;
    static final int SKIP_SUPPORTED = 1 << 10;
    static final int REJECTED_RECIPIENTS = 1 << 11;
    static final int NO_REPLY_CONNECT = 1 << 12;
    static final int NO_REPLY_HELO = 1 << 13;
    static final int NO_REPLY_MAIL = 1 << 14;
    static final int NO_REPLY_RCPT = 1 << 15;
    static final int NO_REPLY_DATA = 1 << 16;
    static final int NO_REPLY_UNKNOWN = 1 << 17;
    static final int NO_REPLY_END_OF_HEADERS = 1 << 18;
    static final int NO_REPLY_BODY = 1 << 19;
    static final int HEADER_LEADING_SPACE = 1 << 20;
    /** Everything version 6 defines: a filter picks from it what it wants. */
    static final int PROTOCOL_ALL = (1 << 21) - 1;

    // The stages a filter may ask macros for (SMFIM_*), in the order of SET_MACRO_LIST.
    static final int STAGE_CONNECT = 0;
    static final int STAGE_HELO = 1;
    static final int STAGE_MAIL = 2;
    static final int STAGE_RCPT = 3;
    static final int STAGE_DATA = 4;
    static final int STAGE_END_OF_MESSAGE = 5;
    static final int STAGE_END_OF_HEADERS = 6;

    /** The largest body chunk a packet carries (what libmilter takes without asking for more). */
    static final int CHUNK = 65535;

    private MilterProtocol() {
    }

    /** A packet: length, command, data. */
    static byte[] packet(byte command, byte[] data) {
        int length = data.length + 1;
        byte[] p = new byte[length + 4];
        p[0] = (byte) (length >>> 24);
        p[1] = (byte) (length >>> 16);
        p[2] = (byte) (length >>> 8);
        p[3] = (byte) length;
        p[4] = command;
        System.arraycopy(data, 0, p, 5, data.length);
        return p;
    }

    /** The MTA's offer: protocol version 6, every action, every protocol step and extension. */
    static byte[] optionNegotiation() {
        Data d = new Data();
        d.int32(VERSION);
        d.int32(ACTIONS_ALL);
        d.int32(PROTOCOL_ALL);
        return d.bytes();
    }

    /** Builds the data of a packet. */
    static final class Data {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Data int32(int v) {
            out.write(v >>> 24);
            out.write(v >>> 16);
            out.write(v >>> 8);
            out.write(v);
            return this;
        }

        Data int16(int v) {
            out.write(v >>> 8);
            out.write(v);
            return this;
        }

        Data octet(int v) {
            out.write(v);
            return this;
        }

        /** A string and its terminating NUL; NULs inside it would end it early, so they go. */
        Data string(String s) {
            byte[] b = s.replace("\0", "").getBytes(StandardCharsets.UTF_8);
            out.write(b, 0, b.length);
            out.write(0);
            return this;
        }

        Data strings(List<String> list) {
            list.forEach(this::string);
            return this;
        }

        Data raw(byte[] b, int offset, int length) {
            out.write(b, offset, length);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
