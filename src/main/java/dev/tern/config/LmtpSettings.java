package dev.tern.config;

import java.util.List;

/**
 * The LMTP listener ({@code [lmtp]} in the config file): final delivery into Tern's mailboxes for
 * an MTA in front of it (Postfix's {@code lmtp:} transport, a content filter's reinjection).
 * LMTP has no authentication of its own, so who may connect is a list of networks.
 *
 * @param allowFrom client networks that may connect; others are refused at the greeting.
 *                  Loopback by default, as Dovecot's LMTP is usually reached
 */
public record LmtpSettings(ClientNetworks allowFrom) {

    private static final List<String> LOOPBACK = List.of("127.0.0.0/8", "::1");

    public static LmtpSettings defaults() {
        return new LmtpSettings(ClientNetworks.parse("lmtp.allow_from", LOOPBACK));
    }

    static LmtpSettings read(ConfigNode n) {
        if (!n.has("allow_from")) {
            return defaults();
        }
        return new LmtpSettings(ClientNetworks.parse(n.key("allow_from"), n.stringList("allow_from")));
    }
}
