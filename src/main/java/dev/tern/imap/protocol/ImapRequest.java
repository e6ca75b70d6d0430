package dev.tern.imap.protocol;

/**
 * A tagged command as received. {@code tag} is null only when none could be read; the command is
 * then {@link ImapCommand.Invalid} and the answer is untagged ({@code * BAD}).
 */
public record ImapRequest(String tag, ImapCommand command) {

    public boolean isValid() {
        return !(command instanceof ImapCommand.Invalid);
    }
}
