package dev.tern.imap.server;

import dev.tern.imap.protocol.ImapCommand;

import java.util.HashMap;
import java.util.Map;

/**
 * For each command: the states it is valid in, whether it may run before TLS on a connection
 * that offers STARTTLS, and who executes it. The session checks the first two before calling the
 * third, so no handler repeats them.
 */
final class CommandTable {

    /** Where a command may run. */
    enum Needs {
        /** Any state. */
        ANY,
        /** Not authenticated only (STARTTLS, LOGIN, AUTHENTICATE). */
        NO_LOGIN,
        /** Authenticated or selected. */
        LOGIN,
        /** Selected only. */
        SELECTED
    }

    /** Runs one parsed command. */
    interface Handler {
        void run(ImapSession session, String tag, ImapCommand command);
    }

    /**
     * @param beforeTls allowed on a STARTTLS listener before TLS is up and before login; the
     *                  others are answered "use STARTTLS first" there, unless passwords may be
     *                  sent without TLS ({@code [imap] allow_plaintext_auth}, or a loopback client
     *                  under {@code [auth] plaintext_on_loopback}). After a login every command
     *                  runs: the login itself was allowed without TLS (a password where allowed,
     *                  or a Kerberos ticket, which puts no password on the wire)
     * @param uidOrNot  false for FETCH, STORE and SEARCH by sequence number: no EXPUNGE responses
     *                  may be sent after them (RFC 9051 §7.5.1), as the client could not match
     *                  numbers to messages
     */
    record Entry(Needs needs, boolean beforeTls, boolean uidOrNot, Handler handler) {
    }

    private static final Map<String, Entry> TABLE = new HashMap<>();

    static {
        add("CAPABILITY", Needs.ANY, true, (s, t, c) -> s.capability(t));
        add("NOOP", Needs.ANY, true, (s, t, c) -> s.noop(t));
        add("LOGOUT", Needs.ANY, true, (s, t, c) -> s.logout(t));
        add("ID", Needs.ANY, true, (s, t, c) -> s.id(t));
        add("STARTTLS", Needs.NO_LOGIN, true, (s, t, c) -> s.startTls(t));
        add("LOGIN", Needs.NO_LOGIN, true, (s, t, c) -> s.login(t, (ImapCommand.Login) c));
        add("AUTHENTICATE", Needs.NO_LOGIN, true, (s, t, c) -> s.authenticate(t, (ImapCommand.Authenticate) c));
        add("ENABLE", Needs.LOGIN, false, (s, t, c) -> s.enable(t, (ImapCommand.Enable) c));
        add("NAMESPACE", Needs.LOGIN, false, (s, t, c) -> s.namespace(t));
        add("COMPRESS", Needs.LOGIN, false, (s, t, c) -> s.compress(t, (ImapCommand.Compress) c));
        add("IDLE", Needs.LOGIN, false, (s, t, c) -> s.idle(t));
        add("SELECT", Needs.LOGIN, false, (s, t, c) -> SelectCommand.select(s, t, (ImapCommand.Select) c));
        add("EXAMINE", Needs.LOGIN, false, (s, t, c) -> SelectCommand.select(s, t, (ImapCommand.Select) c));
        add("CREATE", Needs.LOGIN, false, (s, t, c) -> MailboxTreeCommands.create(s, t, (ImapCommand.Create) c));
        add("DELETE", Needs.LOGIN, false, (s, t, c) -> MailboxTreeCommands.delete(s, t, (ImapCommand.Delete) c));
        add("RENAME", Needs.LOGIN, false, (s, t, c) -> MailboxTreeCommands.rename(s, t, (ImapCommand.Rename) c));
        add("SUBSCRIBE", Needs.LOGIN, false, (s, t, c) -> MailboxTreeCommands.subscribe(s, t, (ImapCommand.Subscribe) c));
        add("UNSUBSCRIBE", Needs.LOGIN, false,
                (s, t, c) -> MailboxTreeCommands.unsubscribe(s, t, (ImapCommand.Unsubscribe) c));
        add("LIST", Needs.LOGIN, false, (s, t, c) -> ListCommand.list(s, t, (ImapCommand.ListMailboxes) c));
        add("LSUB", Needs.LOGIN, false, (s, t, c) -> ListCommand.lsub(s, t, (ImapCommand.Lsub) c));
        add("STATUS", Needs.LOGIN, false, (s, t, c) -> StatusCommand.status(s, t, (ImapCommand.Status) c));
        add("GETQUOTAROOT", Needs.LOGIN, false,
                (s, t, c) -> QuotaCommands.getQuotaRoot(s, t, (ImapCommand.GetQuotaRoot) c));
        add("GETQUOTA", Needs.LOGIN, false, (s, t, c) -> QuotaCommands.getQuota(s, t, (ImapCommand.GetQuota) c));
        add("SETQUOTA", Needs.LOGIN, false, (s, t, c) -> QuotaCommands.setQuota(s, t));
        add("SETACL", Needs.LOGIN, false, (s, t, c) -> AclCommands.setAcl(s, t, (ImapCommand.SetAcl) c));
        add("DELETEACL", Needs.LOGIN, false, (s, t, c) -> AclCommands.deleteAcl(s, t, (ImapCommand.DeleteAcl) c));
        add("GETACL", Needs.LOGIN, false, (s, t, c) -> AclCommands.getAcl(s, t, (ImapCommand.GetAcl) c));
        add("LISTRIGHTS", Needs.LOGIN, false, (s, t, c) -> AclCommands.listRights(s, t, (ImapCommand.ListRights) c));
        add("MYRIGHTS", Needs.LOGIN, false, (s, t, c) -> AclCommands.myRights(s, t, (ImapCommand.MyRights) c));
        add("GETMETADATA", Needs.LOGIN, false,
                (s, t, c) -> MetadataCommands.getMetadata(s, t, (ImapCommand.GetMetadata) c));
        add("SETMETADATA", Needs.LOGIN, false,
                (s, t, c) -> MetadataCommands.setMetadata(s, t, (ImapCommand.SetMetadata) c));
        add("APPEND", Needs.LOGIN, false,
                // With its message literal, APPEND runs as it streams in (ImapSession.messageLiteral);
                // this entry sees only APPENDs without one (CATENATE of URLs alone, or a message
                // missing), and gives its state rules to the others.
                (s, t, c) -> s.appendWhole(t, (ImapCommand.Append) c));
        add("CHECK", Needs.SELECTED, false, (s, t, c) -> s.completed(t, "CHECK completed"));
        add("CLOSE", Needs.SELECTED, false, (s, t, c) -> SelectCommand.close(s, t, true));
        add("UNSELECT", Needs.SELECTED, false, (s, t, c) -> SelectCommand.close(s, t, false));
        add("EXPUNGE", Needs.SELECTED, false, (s, t, c) -> ExpungeCommand.expunge(s, t, (ImapCommand.Expunge) c));
        add("UID EXPUNGE", Needs.SELECTED, false,
                (s, t, c) -> ExpungeCommand.expunge(s, t, (ImapCommand.Expunge) c));
        add("SEARCH", Needs.SELECTED, false, (s, t, c) -> SearchCommand.search(s, t, (ImapCommand.Search) c));
        add("UID SEARCH", Needs.SELECTED, false, (s, t, c) -> SearchCommand.search(s, t, (ImapCommand.Search) c));
        add("SORT", Needs.SELECTED, false, (s, t, c) -> SortCommand.sort(s, t, (ImapCommand.Sort) c));
        add("UID SORT", Needs.SELECTED, false, (s, t, c) -> SortCommand.sort(s, t, (ImapCommand.Sort) c));
        add("THREAD", Needs.SELECTED, false, (s, t, c) -> ThreadCommand.thread(s, t, (ImapCommand.Thread) c));
        add("UID THREAD", Needs.SELECTED, false, (s, t, c) -> ThreadCommand.thread(s, t, (ImapCommand.Thread) c));
        add("FETCH", Needs.SELECTED, false, (s, t, c) -> FetchCommand.fetch(s, t, (ImapCommand.Fetch) c));
        add("UID FETCH", Needs.SELECTED, false, (s, t, c) -> FetchCommand.fetch(s, t, (ImapCommand.Fetch) c));
        add("STORE", Needs.SELECTED, false, (s, t, c) -> StoreCommand.store(s, t, (ImapCommand.Store) c));
        add("UID STORE", Needs.SELECTED, false, (s, t, c) -> StoreCommand.store(s, t, (ImapCommand.Store) c));
        add("COPY", Needs.SELECTED, false, (s, t, c) -> CopyCommand.copy(s, t, (ImapCommand.Copy) c));
        add("UID COPY", Needs.SELECTED, false, (s, t, c) -> CopyCommand.copy(s, t, (ImapCommand.Copy) c));
        add("MOVE", Needs.SELECTED, false, (s, t, c) -> CopyCommand.move(s, t, (ImapCommand.Move) c));
        add("UID MOVE", Needs.SELECTED, false, (s, t, c) -> CopyCommand.move(s, t, (ImapCommand.Move) c));
    }

    private CommandTable() {
    }

    private static void add(String name, Needs needs, boolean beforeTls, Handler handler) {
        boolean bySequence = name.equals("FETCH") || name.equals("STORE") || name.equals("SEARCH") || name.equals("SORT")
                || name.equals("THREAD");
        TABLE.put(name, new Entry(needs, beforeTls, !bySequence, handler));
    }

    /** The entry of a command name as {@link ImapCommand#name()} gives it; null for commands Tern lacks. */
    static Entry entry(String name) {
        return TABLE.get(name);
    }
}
