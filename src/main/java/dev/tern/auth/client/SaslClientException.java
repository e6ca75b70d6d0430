package dev.tern.auth.client;

/**
 * A SASL exchange cannot go on, for a reason the client found: a malformed or forged server
 * message (SCRAM signature mismatch), a Kerberos login that failed, a mechanism asked for more
 * steps than it has. The message is meant for the person running the client.
 */
public class SaslClientException extends Exception {

    public SaslClientException(String message) {
        super(message);
    }

    public SaslClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
