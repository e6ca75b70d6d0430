package dev.tern.store.sql;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * How a SQL backend sends a signal to the other nodes that share its database from inside a
 * transaction, so that it leaves only if the transaction commits (PostgreSQL's NOTIFY). A backend
 * that nobody shares sends nothing.
 */
@FunctionalInterface
public interface Signals {

    Signals NONE = (connection, channel, payload) -> {
    };

    void send(Connection connection, String channel, String payload) throws SQLException;
}
