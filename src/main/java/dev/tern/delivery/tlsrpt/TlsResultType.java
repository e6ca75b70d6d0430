package dev.tern.delivery.tlsrpt;

import dev.tern.smtp.client.SmtpClientException;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;
import java.util.function.Predicate;

/** The result types of RFC 8460 §4.3 that an outbound session can end with, and which one a failure is. */
public final class TlsResultType {

    public static final String STARTTLS_NOT_SUPPORTED = "starttls-not-supported";
    public static final String CERTIFICATE_HOST_MISMATCH = "certificate-host-mismatch";
    public static final String CERTIFICATE_EXPIRED = "certificate-expired";
    public static final String CERTIFICATE_NOT_TRUSTED = "certificate-not-trusted";
    public static final String VALIDATION_FAILURE = "validation-failure";
    /** The certificate chain matched none of the MX host's TLSA records (DANE). */
    public static final String TLSA_INVALID = "tlsa-invalid";
    /** The MX host's TLSA records could not be had from the resolver (DANE). */
    public static final String DNSSEC_INVALID = "dnssec-invalid";

    /** DANE is required for the domain, and the MX host has no usable validated TLSA records. */
    public static final String DANE_REQUIRED = "dane-required";

    /** A TLS failure whose result type is already known where it happened (a DANE check). */
    public static final class Known extends Exception {
        private final String resultType;

        public Known(String resultType, String message) {
            super(message, null, false, false);
            this.resultType = resultType;
        }

        public String resultType() {
            return resultType;
        }
    }

    private TlsResultType() {
    }

    /**
     * The result type of a failed STARTTLS negotiation, or null when the failure was not about TLS
     * (a timeout before STARTTLS, a refused connection): such sessions are not counted.
     */
    public static String of(Throwable failure) {
        if (failure instanceof SmtpClientException e && e.kind() == SmtpClientException.Kind.UNSUPPORTED) {
            return STARTTLS_NOT_SUPPORTED;
        }
        if (!(failure instanceof SmtpClientException e) || e.kind() != SmtpClientException.Kind.TLS) {
            return null;
        }
        Throwable cause = failure;
        for (int i = 0; cause != null && i < 10; i++, cause = cause.getCause()) {
            if (cause instanceof Known k) {
                return k.resultType();
            }
        }
        // The whole chain is read for each kind in turn: an expired certificate is a path
        // validation failure on the outside and a CertificateExpiredException inside.
        if (anyCause(failure, t -> t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException)) {
            return CERTIFICATE_EXPIRED;
        }
        if (anyCause(failure, t -> message(t).contains("no subject alternative") || message(t).contains("no name matching"))) {
            return CERTIFICATE_HOST_MISMATCH;
        }
        if (anyCause(failure, t -> t instanceof CertPathBuilderException || t instanceof CertPathValidatorException
                || message(t).contains("unable to find valid certification path"))) {
            return CERTIFICATE_NOT_TRUSTED;
        }
        return VALIDATION_FAILURE;
    }

    private static boolean anyCause(Throwable failure, Predicate<Throwable> test) {
        for (int i = 0; failure != null && i < 10; i++, failure = failure.getCause()) {
            if (test.test(failure)) {
                return true;
            }
        }
        return false;
    }

    private static String message(Throwable t) {
        return t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
    }
}
