package dev.tern.credentials;

/**
 * A credential just made, with its secret: shown once, never stored in the clear, never logged
 * ({@link #toString()} leaves it out).
 *
 * @param secret the password the application authenticates with
 */
public record NewSmtpCredential(SmtpCredential credential, String secret) {

    @Override
    public String toString() {
        return "NewSmtpCredential[" + credential + "]";
    }
}
