package dev.tern.acme;

import dev.tern.config.AcmeSettings;
import dev.tern.smtp.client.TlsSettings;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.provider.GenericAcmeProvider;
import org.shredzone.acme4j.util.KeyPairUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import java.net.http.HttpClient;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One certificate order (RFC 8555 §7.4): the account (made on first use, found again by its key
 * afterwards), the order for the configured names, an http-01 challenge answered for each name
 * not yet authorized, a new key and its CSR, then the chain the CA issues. Blocking, from the
 * first request to the certificate; call it on a thread of its own.
 */
final class CertificateOrder {

    private static final Logger LOG = LoggerFactory.getLogger(CertificateOrder.class);

    /** RSA rather than ECDSA: every SMTP client that speaks TLS can use it. */
    static final int KEY_BITS = 2048;

    /** A certificate, its chain (leaf first) and the key it was issued for. */
    record Issued(List<X509Certificate> chain, KeyPair key) {
    }

    /** An order that did not end in a certificate, with what the CA said. */
    static final class OrderFailed extends Exception {
        OrderFailed(String message) {
            super(message);
        }

        OrderFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final AcmeSettings settings;
    private final List<String> names;
    private final AcmeChallenges challenges;
    private final Duration timeout;

    /** @param names the names the certificate is for, the subject first */
    CertificateOrder(AcmeSettings settings, List<String> names, AcmeChallenges challenges, Duration timeout) {
        this.settings = settings;
        this.names = List.copyOf(names);
        this.challenges = challenges;
        this.timeout = timeout;
    }

    /**
     * @param certificateKey the key the certificate is to be for, or null for a new one
     */
    Issued run(KeyPair accountKey, KeyPair certificateKey) throws OrderFailed, InterruptedException {
        try {
            Session session = new Session(settings.directory(), new Provider(trust()));
            session.networkSettings().setTimeout(Duration.ofSeconds(30));
            Optional<java.net.URI> terms = session.getMetadata().getTermsOfService();
            AccountBuilder account = new AccountBuilder().agreeToTermsOfService().useKeyPair(accountKey);
            if (settings.email() != null) {
                account.addEmail(settings.email());
            }
            Login login = account.createLogin(session);
            LOG.info("ACME account {} at {}{}", login.getAccountLocation(), settings.directory(),
                    terms.map(t -> " (terms of service: " + t + ")").orElse(""));
            Order order = login.newOrder().domains(names).create();
            authorize(order.getAuthorizations());
            KeyPair key = certificateKey != null ? certificateKey : KeyPairUtils.createKeyPair(KEY_BITS);
            order.execute(key);
            if (order.waitForCompletion(timeout) != Status.VALID) {
                throw new OrderFailed("the CA did not issue the certificate: " + problem(order.getError()));
            }
            List<X509Certificate> chain = order.getCertificate().getCertificateChain();
            return new Issued(chain, key);
        } catch (AcmeException e) {
            throw new OrderFailed(describe(e), e);
        }
    }

    /**
     * Answers the http-01 challenge of every name not yet valid, all at once (the CA checks them in
     * parallel), then waits for each verdict; the answers are served until every check is over.
     */
    private void authorize(List<Authorization> authorizations) throws AcmeException, OrderFailed, InterruptedException {
        List<Authorization> pending = new java.util.ArrayList<>();
        List<Http01Challenge> triggered = new java.util.ArrayList<>();
        try {
            for (Authorization authorization : authorizations) {
                if (authorization.getStatus() == Status.VALID) {
                    continue;
                }
                String name = authorization.getIdentifier().getDomain();
                Http01Challenge challenge = authorization.findChallenge(Http01Challenge.class)
                        .orElseThrow(() -> new OrderFailed("the CA offers no http-01 challenge for " + name));
                challenges.put(challenge.getToken(), challenge.getAuthorization());
                triggered.add(challenge);
                challenge.trigger();
                pending.add(authorization);
            }
            for (Authorization authorization : pending) {
                String name = authorization.getIdentifier().getDomain();
                if (authorization.waitForCompletion(timeout) != Status.VALID) {
                    throw new OrderFailed("the CA could not check " + name + " over http://" + name
                            + "/.well-known/acme-challenge/: " + problem(authorization.findChallenge(Http01Challenge.class)
                            .flatMap(org.shredzone.acme4j.challenge.Challenge::getError)));
                }
                LOG.info("ACME: {} checked by the CA", name);
            }
        } finally {
            for (Http01Challenge c : triggered) {
                challenges.remove(c.getToken());
            }
        }
    }

    /**
     * The CA's or the network's words. acme4j says "Network error" and keeps the reason in the
     * cause, where the JDK's HTTP client often leaves the message out: say what those mean.
     */
    static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        for (Throwable c = e.getCause(); c != null; c = c.getCause() == c ? null : c.getCause()) {
            String more = null;
            if (c instanceof java.net.ConnectException) {
                more = "cannot connect to the CA (refused, or no route)";
            } else if (c instanceof java.net.UnknownHostException) {
                more = "the CA's host name does not resolve: " + c.getMessage();
            } else if (c instanceof java.net.http.HttpTimeoutException) {
                more = "the CA did not answer in time";
            } else if (c instanceof javax.net.ssl.SSLHandshakeException) {
                more = "TLS with the CA failed: " + c.getMessage();
            }
            if (more != null) {
                return text.append(": ").append(more).toString();
            }
        }
        return text.toString();
    }

    private static String problem(Optional<Problem> problem) {
        return problem.map(p -> p.getDetail().orElse(p.getType().toString())).orElse("no reason given");
    }

    private SSLContext trust() throws OrderFailed {
        if (settings.caFile() == null) {
            return TlsSettings.verifying().jdkContext();
        }
        try {
            return TlsSettings.trustingAlso(dev.tern.net.tls.PemCredentials.readCertificates(settings.caFile(),
                    "acme.ca_file")).jdkContext();
        } catch (RuntimeException e) {
            throw new OrderFailed(e.getMessage(), e);
        }
    }

    /** The CA at the configured URL, reached with this server's trust. */
    private static final class Provider extends GenericAcmeProvider {
        private final SSLContext ssl;

        Provider(SSLContext ssl) {
            this.ssl = ssl;
        }

        @Override
        public HttpClient createHttpClient(NetworkSettings settings) {
            HttpClient.Builder b = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(settings.getTimeout()).proxy(settings.getProxySelector()).sslContext(ssl);
            if (settings.getAuthenticator() != null) {
                b.authenticator(settings.getAuthenticator());
            }
            return b.build();
        }
    }
}
