package dev.tern.milter;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One packet from a filter, read: a reply that ends a step (continue, accept, reject…), a change it
 * asks for at the end of a message, or its answer to the option negotiation. A packet that does
 * not parse is a {@link MilterException}: the filter broke the protocol.
 *
 * @param command the reply letter ({@link MilterProtocol#CONTINUE}…)
 * @param index   the header index of INSERT_HEADER and CHANGE_HEADER, else 0
 * @param strings the packet's NUL-terminated strings (header name and value, address and
 *                parameters, reply text, quarantine reason)
 * @param data    the raw data of REPLACE_BODY, else empty
 */
record MilterReply(byte command, int index, List<String> strings, byte[] data) {

    /** Whether this reply ends the step it answers (else it is a change or progress, and more follows). */
    boolean isFinal() {
        return switch (command) {
            case MilterProtocol.ACCEPT, MilterProtocol.CONTINUE, MilterProtocol.DISCARD, MilterProtocol.REJECT,
                 MilterProtocol.TEMPFAIL, MilterProtocol.REPLY_CODE, MilterProtocol.SKIP,
                 MilterProtocol.CONNECTION_FAILURE, MilterProtocol.SHUTDOWN -> true;
            default -> false;
        };
    }

    String string(int i) {
        return i < strings.size() ? strings.get(i) : "";
    }

    static MilterReply parse(byte command, byte[] data) {
        return switch (command) {
            case MilterProtocol.ACCEPT, MilterProtocol.CONTINUE, MilterProtocol.DISCARD, MilterProtocol.REJECT,
                 MilterProtocol.TEMPFAIL, MilterProtocol.SKIP, MilterProtocol.PROGRESS,
                 MilterProtocol.CONNECTION_FAILURE, MilterProtocol.SHUTDOWN ->
                    new MilterReply(command, 0, List.of(), new byte[0]);
            case MilterProtocol.REPLY_CODE, MilterProtocol.QUARANTINE, MilterProtocol.ADD_RECIPIENT,
                 MilterProtocol.DELETE_RECIPIENT, MilterProtocol.ADD_RECIPIENT_WITH_PARAMETERS,
                 MilterProtocol.CHANGE_SENDER -> new MilterReply(command, 0, strings(data, 0, 1, command), new byte[0]);
            case MilterProtocol.ADD_HEADER -> new MilterReply(command, 0, strings(data, 0, 2, command), new byte[0]);
            case MilterProtocol.INSERT_HEADER, MilterProtocol.CHANGE_HEADER -> {
                if (data.length < 4) {
                    throw new MilterException("a header change without its index");
                }
                int index = ((data[0] & 0xff) << 24) | ((data[1] & 0xff) << 16) | ((data[2] & 0xff) << 8) | (data[3] & 0xff);
                yield new MilterReply(command, index, strings(data, 4, 2, command), new byte[0]);
            }
            case MilterProtocol.REPLACE_BODY -> new MilterReply(command, 0, List.of(), data);
            default -> throw new MilterException("an unknown reply '" + printable(command) + "'");
        };
    }

    /** The NUL-terminated strings from {@code offset}; at least {@code min} of them. */
    private static List<String> strings(byte[] data, int offset, int min, byte command) {
        List<String> out = new ArrayList<>();
        int start = offset;
        for (int i = offset; i < data.length; i++) {
            if (data[i] == 0) {
                out.add(new String(data, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < data.length) {
            out.add(new String(data, start, data.length - start, StandardCharsets.UTF_8));   // no final NUL
        }
        if (out.size() < min) {
            throw new MilterException("a reply '" + printable(command) + "' with too few fields");
        }
        return out;
    }

    static String printable(byte command) {
        return command >= 0x21 && command < 0x7f ? String.valueOf((char) command) : String.format("0x%02x", command & 0xff);
    }
}
