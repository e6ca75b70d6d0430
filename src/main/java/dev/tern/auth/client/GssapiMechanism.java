package dev.tern.auth.client;

import javax.security.auth.Subject;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslClient;
import javax.security.sasl.SaslException;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.util.Map;

/**
 * GSSAPI (RFC 4752): Kerberos 5 through the JDK's SASL client, with the credentials of a
 * {@link KerberosLogin}. The service principal is {@code service/host} (for SMTP:
 * {@code smtp/mail.example.org@REALM}). Mutual authentication is required, so the exchange is
 * complete only once the server has proved itself. No security layer is negotiated (QOP "auth"):
 * protection of the session is TLS's job.
 *
 * <p>Steps talk to the KDC: call them off I/O threads.
 */
public final class GssapiMechanism implements SaslClientMechanism {

    private final Subject subject;
    private final SaslClient client;

    private GssapiMechanism(Subject subject, SaslClient client) {
        this.subject = subject;
        this.client = client;
    }

    /**
     * Logs in and prepares the exchange.
     *
     * @param service    the GSSAPI service name: {@code smtp}, {@code imap}…
     * @param serverHost the server's canonical host name (the instance of its service principal)
     * @param authzid    the identity to act as, or null
     */
    public static GssapiMechanism create(KerberosLogin login, String service, String serverHost, String authzid)
            throws SaslClientException {
        Subject subject = login.login();
        Map<String, String> props = Map.of(Sasl.QOP, "auth", Sasl.SERVER_AUTH, "true");
        SaslClient client = as(subject, () -> Sasl.createSaslClient(new String[]{"GSSAPI"}, authzid, service, serverHost,
                props, null));
        if (client == null) {
            throw new SaslClientException("this Java runtime has no GSSAPI SASL client");
        }
        return new GssapiMechanism(subject, client);
    }

    @Override
    public String name() {
        return "GSSAPI";
    }

    @Override
    public boolean hasInitialResponse() {
        return client.hasInitialResponse();
    }

    @Override
    public byte[] initialResponse() throws SaslClientException {
        return as(subject, () -> client.evaluateChallenge(new byte[0]));
    }

    @Override
    public byte[] evaluateChallenge(byte[] challenge) throws SaslClientException {
        return as(subject, () -> client.evaluateChallenge(challenge));
    }

    @Override
    public boolean isComplete() {
        return client.isComplete();
    }

    @Override
    public void dispose() {
        try {
            client.dispose();
        } catch (SaslException ignored) {
            // nothing left to release
        }
    }

    @SuppressWarnings("removal")
    private static <T> T as(Subject subject, PrivilegedExceptionAction<T> action) throws SaslClientException {
        try {
            return Subject.doAs(subject, action);
        } catch (PrivilegedActionException e) {
            Throwable cause = e.getException();
            throw new SaslClientException("GSSAPI: " + cause.getMessage(), cause);
        }
    }
}
