package dev.tern.sieve.commands;

import org.apache.james.mime4j.util.MimeUtil;
import org.apache.jsieve.Argument;
import org.apache.jsieve.Arguments;
import org.apache.jsieve.NumberArgument;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.StringListArgument;
import org.apache.jsieve.TagArgument;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.MailAdapter;
import org.apache.jsieve.tests.AbstractTest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The test {@code duplicate [:handle "h"] [:header "name" | :uniqueid "id"] [:seconds N] [:last]}
 * (RFC 7352): true when an earlier delivery to the account whose script ran to its end saw the
 * same id under the same handle, within the period. The id is the message's {@code Message-ID}
 * (or the field {@code :header} names: its first occurrence, unfolded, without the blanks around
 * it), or the string {@code :uniqueid} gives, typically made of variables. A message without that
 * field, or with it empty, is no duplicate and is not remembered (§3.1).
 *
 * <p>The id is remembered only when the run succeeds and the message is delivered (§3), for
 * {@code :seconds} (default {@link #DEFAULT_PERIOD}, at most {@link #MAX_PERIOD}) counted from its
 * first sighting, or with {@code :last} from its latest.
 */
public final class DuplicateTest extends AbstractTest {

    /** How long an id is remembered without {@code :seconds}. */
    public static final Duration DEFAULT_PERIOD = Duration.ofDays(7);
    /** The longest period taken; longer ones are cut to it (RFC 7352 §3.3 lets a site set one). */
    public static final Duration MAX_PERIOD = Duration.ofDays(30);

    @Override
    protected boolean executeBasic(MailAdapter mail, Arguments arguments, SieveContext context)
            throws SieveException {
        RunState state = RunState.of(mail, context);
        Variables variables = state.variables();
        String handle = "";
        String header = "Message-ID";
        String uniqueId = null;
        Duration period = DEFAULT_PERIOD;
        boolean last = false;
        List<Argument> list = arguments.getArgumentList();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof TagArgument tag)) {
                throw context.getCoordinate().syntaxException("duplicate takes tags only");
            }
            String name = tag.getTag().toLowerCase(Locale.ROOT);
            if (name.equals(":last")) {
                last = true;
                continue;
            }
            Argument value = i + 1 < list.size() ? list.get(++i) : null;
            if (name.equals(":seconds") && value instanceof NumberArgument n) {
                period = Duration.ofSeconds(n.getInteger());
                period = period.compareTo(MAX_PERIOD) > 0 ? MAX_PERIOD : period;
            } else if (value instanceof StringListArgument s && s.getList().size() == 1
                    && List.of(":handle", ":header", ":uniqueid").contains(name)) {
                String text = variables.expand(s.getList().get(0));
                switch (name) {
                    case ":handle" -> handle = text;
                    case ":header" -> header = text;
                    default -> uniqueId = text;
                }
            } else {
                throw context.getCoordinate().syntaxException("duplicate: unexpected tag " + name);
            }
        }
        String id = uniqueId;
        if (id == null) {
            List<String> values = mail.getMatchingHeader(header);
            id = values.isEmpty() ? "" : MimeUtil.unfold(values.get(0)).strip();
            if (id.isEmpty()) {
                return false;
            }
        }
        String key = sha256(handle + "\u0000" + id);
        boolean seen = state.duplicateSeen(key);
        state.trackDuplicate(new TrackedId(key, period, last));
        return seen;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected void validateArguments(Arguments arguments, SieveContext context) throws SieveException {
        if (arguments.hasTests()) {
            throw context.getCoordinate().syntaxException("duplicate takes no tests");
        }
    }
}
