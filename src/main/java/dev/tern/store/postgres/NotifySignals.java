package dev.tern.store.postgres;

import dev.tern.store.sql.Signals;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Signals as PostgreSQL notifications: {@code pg_notify} inside the transaction, which the server
 * delivers to the listening sessions only when the transaction commits, and never if it rolls back.
 * Each payload starts with the sending node's id and a colon, so that a node can drop its own.
 */
final class NotifySignals implements Signals {

    /** Lower-case identifiers, which LISTEN takes unquoted and pg_notify names alike. */
    private static final Pattern CHANNEL = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    /** PostgreSQL refuses payloads of 8000 bytes and more. */
    private static final int MAX_PAYLOAD_BYTES = 7999;

    private static final int NODE_ID_LENGTH = 16;
    private static final Pattern NODE_PREFIX = Pattern.compile("[0-9a-f]{" + NODE_ID_LENGTH + "}:");

    private final String nodeId;

    NotifySignals(String nodeId) {
        this.nodeId = nodeId;
    }

    /** The channel name, if it is a safe identifier; IllegalArgumentException otherwise. */
    static String checkChannel(String channel) {
        if (channel == null || !CHANNEL.matcher(channel).matches()) {
            throw new IllegalArgumentException("a signal channel is a lower-case identifier of at most 63 "
                    + "characters (letters, digits, _), got " + (channel == null ? "null" : "\"" + channel + "\""));
        }
        return channel;
    }

    @Override
    public void send(Connection connection, String channel, String payload) throws SQLException {
        checkChannel(channel);
        String body = nodeId + ":" + payload;
        if (body.getBytes(StandardCharsets.UTF_8).length > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("signal payload on " + channel + " is longer than PostgreSQL carries ("
                    + (MAX_PAYLOAD_BYTES - nodeId.length() - 1) + " bytes in UTF-8)");
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
            ps.setString(1, channel);
            ps.setString(2, body);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
            }
        }
    }

    /**
     * The payload of a notification another node sent, or null when this node sent it. A
     * notification without a node id (a NOTIFY typed by hand) is passed on whole.
     */
    static String fromOthers(String nodeId, String body) {
        if (!NODE_PREFIX.matcher(body).lookingAt()) {
            return body;
        }
        return body.startsWith(nodeId + ":") ? null : body.substring(NODE_ID_LENGTH + 1);
    }

    /** A new random node id: a store instance is a node. */
    static String newNodeId() {
        byte[] random = new byte[NODE_ID_LENGTH / 2];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
