package dev.tern.config;

import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The LMTP listener ({@code [lmtp]} in the config file): final delivery into Tern's mailboxes for
 * an MTA in front of it (Postfix's {@code lmtp:} transport, a content filter's reinjection).
 * LMTP has no authentication of its own, so who may connect is a list of networks over TCP, and
 * the socket file's permissions on a Unix socket ({@code lmtp = ["unix:/run/tern/lmtp"]}).
 *
 * @param allowFrom  client networks that may connect over TCP; others are refused at the
 *                   greeting. Loopback by default, as Dovecot's LMTP is usually reached
 * @param socketMode the permissions of a Unix socket's file: who may write to it may connect
 */
public record LmtpSettings(ClientNetworks allowFrom, Set<PosixFilePermission> socketMode) {

    private static final List<String> LOOPBACK = List.of("127.0.0.0/8", "::1");
    /** Owner and group: the MTA in front joins Tern's group, as Postfix does for Dovecot's socket. */
    static final String DEFAULT_SOCKET_MODE = "0660";

    public LmtpSettings {
        socketMode = Set.copyOf(socketMode);
    }

    public static LmtpSettings defaults() {
        return new LmtpSettings(ClientNetworks.parse("lmtp.allow_from", LOOPBACK),
                mode("lmtp.socket_mode", DEFAULT_SOCKET_MODE));
    }

    static LmtpSettings read(ConfigNode n) {
        ClientNetworks allowFrom = ClientNetworks.parse(n.key("allow_from"), n.stringList("allow_from", LOOPBACK));
        return new LmtpSettings(allowFrom, mode(n.key("socket_mode"), n.string("socket_mode", DEFAULT_SOCKET_MODE)));
    }

    /**
     * Reads permissions written in octal as chmod takes them ({@code "0660"}, {@code "660"}); only
     * read and write bits mean anything for a socket, so set-id and sticky bits are refused.
     */
    static Set<PosixFilePermission> mode(String key, String text) {
        String t = text.strip();
        if (!t.matches("0?[0-7]{3}")) {
            throw new ConfigException(key + ": \"" + text + "\" is not a file mode in octal such as \"0660\"");
        }
        int bits = Integer.parseInt(t, 8);
        Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
                PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE};
        for (int i = 0; i < order.length; i++) {
            if ((bits & (0400 >> i)) != 0) {
                out.add(order[i]);
            }
        }
        if (!out.contains(PosixFilePermission.OWNER_WRITE)) {
            throw new ConfigException(key + ": \"" + text + "\" leaves the owner without write permission; "
                    + "nothing could connect as Tern's own user");
        }
        return out;
    }
}
