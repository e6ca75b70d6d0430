package dev.tern.smtp.client;

import dev.tern.auth.client.SaslClientException;
import dev.tern.auth.client.SaslClientMechanism;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One AUTH command (RFC 4954 §4) driven by a client SASL mechanism: the initial response on the
 * AUTH line when it fits, then one response per 334 challenge, until 235 or a refusal. Mechanism
 * steps run on the connection's executor (they may hash or call a KDC). What the client sends is
 * shown to the transcript as {@code <redacted>}.
 */
final class AuthExchange {

    private static final int MAX_ROUNDS = 16;

    private final SmtpConnection conn;
    private final SaslClientMechanism mech;
    private final Duration timeout;
    private byte[] deferredInitial;

    AuthExchange(SmtpConnection conn, SaslClientMechanism mech) {
        this.conn = conn;
        this.mech = mech;
        this.timeout = conn.settings().timeouts().command();
    }

    CompletableFuture<ServerReply> run() {
        return CompletableFuture.supplyAsync(() -> mech.hasInitialResponse() ? evaluate(null) : null, conn.executor())
                .thenCompose(initial -> {
                    String line = "AUTH " + mech.name();
                    String shown = line;
                    if (initial != null) {
                        String encoded = encode(initial);
                        if (line.length() + 1 + encoded.length() <= SmtpConnection.MAX_COMMAND_LINE) {
                            line += " " + encoded;
                            shown += " " + SmtpConnection.REDACTED;
                        } else {
                            deferredInitial = initial;  // RFC 4954 §4: too long for the line; sent after an empty 334
                        }
                    }
                    return conn.send(line, shown, timeout);
                })
                .thenCompose(r -> step(r, 0));
    }

    private CompletableFuture<ServerReply> step(ServerReply reply, int round) {
        if (reply.isPositive()) {
            if (!mech.isComplete()) {
                throw new SmtpClientException(SmtpClientException.Kind.AUTH, conn.serverName()
                        + " accepted the authentication without proving it knows the credentials (" + mech.name()
                        + " server verification missing); not trusting this server", reply);
            }
            return CompletableFuture.completedFuture(reply);
        }
        if (reply.code() != 334) {
            throw new SmtpClientException(SmtpClientException.Kind.AUTH,
                    "authentication refused by " + conn.serverName() + ": " + reply, reply);
        }
        if (round >= MAX_ROUNDS) {
            return cancel("the server asked for more than " + MAX_ROUNDS + " rounds");
        }
        byte[] challenge;
        try {
            String text = reply.lines().get(0).trim();
            challenge = Base64.getDecoder().decode(text.equals("=") ? "" : text);
        } catch (IllegalArgumentException e) {
            return cancel("the server's challenge is not valid base64");
        }
        byte[] response;
        try {
            if (deferredInitial != null) {
                response = deferredInitial;
                deferredInitial = null;
            } else {
                response = mech.evaluateChallenge(challenge);
            }
        } catch (SaslClientException e) {
            return cancel(e.getMessage());
        }
        String encoded = response.length == 0 ? "" : Base64.getEncoder().encodeToString(response);
        return conn.send(encoded, SmtpConnection.REDACTED, timeout).thenCompose(r -> step(r, round + 1));
    }

    /** RFC 4954 §4: "*" cancels the exchange; the server answers 501 and the session goes on. */
    private CompletableFuture<ServerReply> cancel(String why) {
        return conn.send("*", timeout).handle((r, e) -> {
            throw new SmtpClientException(SmtpClientException.Kind.AUTH,
                    mech.name() + " with " + conn.serverName() + " abandoned: " + why, r);
        });
    }

    private byte[] evaluate(byte[] challenge) {
        try {
            return challenge == null ? mech.initialResponse() : mech.evaluateChallenge(challenge);
        } catch (SaslClientException e) {
            throw new CompletionException(new SmtpClientException(SmtpClientException.Kind.AUTH,
                    mech.name() + " cannot start: " + e.getMessage(), null, e));
        }
    }

    private static String encode(byte[] response) {
        return response.length == 0 ? "=" : new String(Base64.getEncoder().encode(response), StandardCharsets.US_ASCII);
    }
}
