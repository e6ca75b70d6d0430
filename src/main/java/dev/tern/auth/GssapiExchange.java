package dev.tern.auth;

import dev.tern.directory.Credentials;
import dev.tern.store.StoreException;
import org.ietf.jgss.GSSContext;
import org.ietf.jgss.GSSException;
import org.ietf.jgss.GSSManager;
import org.ietf.jgss.MessageProp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.security.auth.login.LoginException;
import java.util.Arrays;
import java.util.Optional;

/**
 * GSSAPI with Kerberos V5 (RFC 4752), through the JDK's GSS-API (org.ietf.jgss).
 *
 * <p>The client's tokens go to the acceptor context until it is established (a last token of the
 * server, Kerberos's mutual-authentication reply, is sent as a challenge and answered empty). Then
 * the server offers its security layers in a wrapped 4-octet message: only "no security layer"
 * (bit 1) and a maximum buffer size of 0, since TLS protects the connection. The client's wrapped
 * answer must choose it; the rest is its authorization identity, which must be empty or its own.
 *
 * <p>Security: a ticket is accepted only for this connection's service principal
 * {@code <protocol>/<serverName>@REALM}, so a ticket for another service on the same keytab is
 * refused. The client principal is mapped to an account by {@link KerberosAcceptor#address}; the
 * account must exist and be enabled.
 */
final class GssapiExchange implements SaslExchange {

    private static final Logger LOG = LoggerFactory.getLogger(GssapiExchange.class);
    private static final byte NO_SECURITY_LAYER = 1;

    private enum State { TOKENS, LAST_TOKEN_SENT, LAYERS_OFFERED, DONE }

    private final KerberosAcceptor acceptor;
    private final CredentialLookup lookup;
    private final String servicePrincipal;
    private State state = State.TOKENS;
    private GSSContext context;
    private String address;
    private boolean challenged;

    GssapiExchange(KerberosAcceptor acceptor, CredentialLookup lookup, AuthContext authContext) {
        this.acceptor = acceptor;
        this.lookup = lookup;
        this.servicePrincipal = acceptor.servicePrincipal(authContext);
    }

    @Override
    public String mechanism() {
        return "GSSAPI";
    }

    @Override
    public String authenticationId() {
        return address;
    }

    @Override
    public SaslStep step(byte[] response) {
        try {
            return switch (state) {
                case TOKENS -> token(response);
                case LAST_TOKEN_SENT -> offerLayers();
                case LAYERS_OFFERED -> chosenLayer(response);
                case DONE -> failure(SaslStep.FailureReason.MALFORMED, "the exchange is over");
            };
        } catch (GSSException e) {
            SaslStep.FailureReason reason = e.getMajor() == GSSException.DEFECTIVE_TOKEN
                    ? SaslStep.FailureReason.MALFORMED : SaslStep.FailureReason.BAD_CREDENTIALS;
            return failure(reason, "GSS-API: " + e.getMessage());
        }
    }

    private SaslStep token(byte[] response) throws GSSException {
        if (response == null && !challenged) {
            challenged = true;
            return new SaslStep.Challenge(new byte[0]);
        }
        if (response == null || response.length == 0) {
            return failure(SaslStep.FailureReason.MALFORMED, "expected a GSS-API token");
        }
        if (context == null) {
            try {
                context = GSSManager.getInstance().createContext(acceptor.credential(servicePrincipal));
            } catch (LoginException | GSSException e) {
                LOG.warn("GSSAPI unavailable: cannot use the keys of {} from the keytab: {}", servicePrincipal, e.getMessage());
                return failure(SaslStep.FailureReason.TEMPORARY, "Kerberos keys unavailable");
            }
        }
        byte[] out = context.acceptSecContext(response, 0, response.length);
        if (!context.isEstablished()) {
            return new SaslStep.Challenge(out == null ? new byte[0] : out);
        }
        if (!context.getTargName().toString().equals(servicePrincipal)) {
            return failure(SaslStep.FailureReason.BAD_CREDENTIALS, "ticket for " + context.getTargName());
        }
        String principal = context.getSrcName().toString();
        address = acceptor.address(principal);
        if (address == null) {
            return failure(SaslStep.FailureReason.BAD_CREDENTIALS, "principal " + principal + " maps to no account");
        }
        if (out != null && out.length > 0) {
            state = State.LAST_TOKEN_SENT;
            return new SaslStep.Challenge(out);
        }
        return offerLayers();
    }

    private SaslStep offerLayers() throws GSSException {
        byte[] offer = {NO_SECURITY_LAYER, 0, 0, 0};
        state = State.LAYERS_OFFERED;
        return new SaslStep.Challenge(context.wrap(offer, 0, offer.length, new MessageProp(0, false)));
    }

    private SaslStep chosenLayer(byte[] response) throws GSSException {
        if (response == null || response.length == 0) {
            return failure(SaslStep.FailureReason.MALFORMED, "expected the wrapped security layer choice");
        }
        byte[] answer = context.unwrap(response, 0, response.length, new MessageProp(0, false));
        if (answer.length < 4 || answer[0] != NO_SECURITY_LAYER) {
            return failure(SaslStep.FailureReason.MALFORMED, "only \"no security layer\" is offered");
        }
        String authzid = SaslText.utf8(Arrays.copyOfRange(answer, 4, answer.length));
        if (authzid == null) {
            return failure(SaslStep.FailureReason.MALFORMED, "authorization identity is not UTF-8");
        }
        if (!authzid.isEmpty() && !SaslText.sameIdentity(authzid, address)) {
            return failure(SaslStep.FailureReason.BAD_CREDENTIALS, "may not act as another user");
        }
        Optional<Credentials> found;
        try {
            found = lookup.find(address);
        } catch (StoreException e) {
            return failure(SaslStep.FailureReason.TEMPORARY, "account store unavailable");
        }
        if (found.isEmpty() || !found.get().enabled()) {
            return failure(SaslStep.FailureReason.BAD_CREDENTIALS, "no enabled account " + address);
        }
        state = State.DONE;
        dispose();
        return new SaslStep.Success(new AuthenticatedUser(found.get().accountId(), found.get().address(), found.get().senderScope()), null);
    }

    private SaslStep failure(SaslStep.FailureReason reason, String detail) {
        state = State.DONE;
        dispose();
        return new SaslStep.Failure(reason, detail);
    }

    @Override
    public void dispose() {
        if (context != null) {
            try {
                context.dispose();
            } catch (GSSException e) {
                // nothing held that matters
            }
            context = null;
        }
    }
}
