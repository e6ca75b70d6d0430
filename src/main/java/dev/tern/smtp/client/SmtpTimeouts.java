package dev.tern.smtp.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the client waits at each step (RFC 5321 §4.5.3.2). A step that runs out of time fails
 * with {@link SmtpClientException.Kind#TIMEOUT} and the connection is closed: a late reply would
 * leave client and server out of step.
 *
 * @param connect         the TCP connection (not in RFC 5321; Postfix uses 30 s)
 * @param greeting        the initial 220 (and, with implicit TLS, the handshake before it)
 * @param command         EHLO, HELO, STARTTLS (with its handshake), AUTH, RSET, NOOP, QUIT (RFC 5321 leaves these open)
 * @param mail            the reply to MAIL
 * @param rcpt            the reply to RCPT
 * @param dataInitiation  the 354 after DATA
 * @param dataBlock       progress while sending content: each block must be taken by the network within this time
 *                        (also the reply to a BDAT chunk that is not the last)
 * @param dataTermination the reply after the final "." (or the last BDAT chunk): the server may be checking the message
 */
public record SmtpTimeouts(Duration connect, Duration greeting, Duration command, Duration mail, Duration rcpt,
                           Duration dataInitiation, Duration dataBlock, Duration dataTermination) {

    public SmtpTimeouts {
        for (Duration d : new Duration[]{connect, greeting, command, mail, rcpt, dataInitiation, dataBlock, dataTermination}) {
            Objects.requireNonNull(d, "timeout");
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive: " + d);
            }
        }
    }

    /** RFC 5321 §4.5.3.2's minimums: 5 min greeting, MAIL and RCPT; 2 min DATA; 3 min per block; 10 min after the end of data. */
    public static SmtpTimeouts rfc5321() {
        Duration five = Duration.ofMinutes(5);
        return new SmtpTimeouts(Duration.ofSeconds(30), five, five, five, five, Duration.ofMinutes(2),
                Duration.ofMinutes(3), Duration.ofMinutes(10));
    }

    /** The same limit for every step (an interactive tool does not wait ten minutes). */
    public static SmtpTimeouts uniform(Duration each) {
        return new SmtpTimeouts(each, each, each, each, each, each, each, each);
    }
}
