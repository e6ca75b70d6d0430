package dev.tern.imap.protocol;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed IMAP command without its tag (RFC 9051 §6, RFC 3501 §6 and the extensions listed in
 * the package documentation), as produced by {@link CommandParser}. Each record carries what the
 * command's handler needs. Mailbox names are already decoded (modified UTF-7, or UTF-8 after
 * ENABLE UTF8=ACCEPT) and {@code INBOX} is upper case. Commands that exist as UID variants carry
 * {@code uid}: then their sets are UIDs rather than sequence numbers.
 */
public sealed interface ImapCommand {

    /** The command name as the session's command table knows it, e.g. {@code UID FETCH}. */
    String name();

    record Capability() implements ImapCommand {
        public String name() {
            return "CAPABILITY";
        }
    }

    record Noop() implements ImapCommand {
        public String name() {
            return "NOOP";
        }
    }

    record Logout() implements ImapCommand {
        public String name() {
            return "LOGOUT";
        }
    }

    record StartTls() implements ImapCommand {
        public String name() {
            return "STARTTLS";
        }
    }

    /**
     * AUTHENTICATE (RFC 9051 §6.2.2) with the SASL-IR initial response of RFC 4959.
     *
     * @param mechanism       upper case
     * @param initialResponse base64 as sent, {@code "="} for an empty one, or null when absent
     */
    record Authenticate(String mechanism, String initialResponse) implements ImapCommand {
        public String name() {
            return "AUTHENTICATE";
        }

        @Override
        public String toString() {
            return "Authenticate[" + mechanism + (initialResponse == null ? "" : " <initial response>") + "]";
        }
    }

    record Login(String user, String password) implements ImapCommand {
        public String name() {
            return "LOGIN";
        }

        /** Never the password. */
        @Override
        public String toString() {
            return "Login[" + user + " <password>]";
        }
    }

    /** ENABLE (RFC 5161) with the capability names in upper case. */
    record Enable(List<String> capabilities) implements ImapCommand {
        public Enable {
            capabilities = List.copyOf(capabilities);
        }

        public String name() {
            return "ENABLE";
        }
    }

    /** ID (RFC 2971): the client's fields, or null for {@code ID NIL}. Values may be null (NIL). */
    record Id(Map<String, String> fields) implements ImapCommand {
        public String name() {
            return "ID";
        }
    }

    record Namespace() implements ImapCommand {
        public String name() {
            return "NAMESPACE";
        }
    }

    /** {@code COMPRESS mechanism} (RFC 4978); the mechanism in upper case. */
    record Compress(String mechanism) implements ImapCommand {
        public String name() {
            return "COMPRESS";
        }
    }

    /**
     * SELECT or EXAMINE with the CONDSTORE / QRESYNC parameters of RFC 7162.
     *
     * @param qresync the QRESYNC parameter, or null
     */
    record Select(String mailbox, boolean readOnly, boolean condstore, Qresync qresync) implements ImapCommand {
        public String name() {
            return readOnly ? "EXAMINE" : "SELECT";
        }
    }

    /** {@code QRESYNC (uidvalidity modseq [known-uids])} (RFC 7162 §3.2.5); knownUids may be null. */
    record Qresync(long uidValidity, long modSeq, SequenceSet knownUids) {
    }

    /** CREATE, with the special-use attributes of RFC 6154 §3 ({@code USE (\Drafts)}), if any. */
    record Create(String mailbox, List<String> specialUse) implements ImapCommand {
        public Create {
            specialUse = List.copyOf(specialUse);
        }

        public String name() {
            return "CREATE";
        }
    }

    record Delete(String mailbox) implements ImapCommand {
        public String name() {
            return "DELETE";
        }
    }

    record Rename(String from, String to) implements ImapCommand {
        public String name() {
            return "RENAME";
        }
    }

    record Subscribe(String mailbox) implements ImapCommand {
        public String name() {
            return "SUBSCRIBE";
        }
    }

    record Unsubscribe(String mailbox) implements ImapCommand {
        public String name() {
            return "UNSUBSCRIBE";
        }
    }

    /** LIST-EXTENDED selection options (RFC 5258 §3.1, RFC 6154). */
    enum ListSelection { SUBSCRIBED, REMOTE, RECURSIVEMATCH, SPECIAL_USE }

    /**
     * LIST with the extensions of RFC 5258 (LIST-EXTENDED), RFC 5819 (LIST-STATUS) and RFC 6154
     * (SPECIAL-USE).
     *
     * @param patterns       one or more mailbox patterns with {@code %} and {@code *}, decoded
     * @param returnStatus   the STATUS items of {@code RETURN (STATUS (...))}, empty when not asked
     * @param extended       true when any LIST-EXTENDED syntax was used (the response may then carry
     *                       extended data items)
     */
    record ListMailboxes(Set<ListSelection> selection, String reference, List<String> patterns,
                         boolean returnSubscribed, boolean returnChildren, boolean returnSpecialUse,
                         Set<StatusItem> returnStatus, boolean returnMyRights, boolean extended) implements ImapCommand {
        public ListMailboxes {
            selection = Set.copyOf(selection);
            patterns = List.copyOf(patterns);
            returnStatus = Set.copyOf(returnStatus);
        }

        public String name() {
            return "LIST";
        }
    }

    record Lsub(String reference, String pattern) implements ImapCommand {
        public String name() {
            return "LSUB";
        }
    }

    /** STATUS data items (RFC 9051 §6.3.11, RFC 8438 SIZE, RFC 7162 HIGHESTMODSEQ, RFC 9208 DELETED-STORAGE, RFC 8474 MAILBOXID). */
    enum StatusItem {
        MESSAGES, RECENT, UIDNEXT, UIDVALIDITY, UNSEEN, DELETED, SIZE, HIGHESTMODSEQ,
        /** RFC 9208 (with QUOTA=RES-STORAGE): what an EXPUNGE would free, in units of 1024 octets as STORAGE. */
        DELETED_STORAGE,
        /** RFC 8474 §4.3: the mailbox's object id. */
        MAILBOXID;

        /** The item's name on the wire. */
        public String wireName() {
            return name().replace('_', '-');
        }

        /** The item named so on the wire, in any case. */
        public static StatusItem ofWireName(String name) {
            if (name.indexOf('_') >= 0) {
                throw new IllegalArgumentException(name);
            }
            return valueOf(name.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        }
    }

    /** SETACL (RFC 4314 §3.1): {@code rights} replace an identifier's, or with {@code +}/{@code -} add or take away. */
    record SetAcl(String mailbox, String identifier, String rights) implements ImapCommand {
        public String name() {
            return "SETACL";
        }
    }

    /** DELETEACL (RFC 4314 §3.2). */
    record DeleteAcl(String mailbox, String identifier) implements ImapCommand {
        public String name() {
            return "DELETEACL";
        }
    }

    /** GETACL (RFC 4314 §3.3). */
    record GetAcl(String mailbox) implements ImapCommand {
        public String name() {
            return "GETACL";
        }
    }

    /** LISTRIGHTS (RFC 4314 §3.4). */
    record ListRights(String mailbox, String identifier) implements ImapCommand {
        public String name() {
            return "LISTRIGHTS";
        }
    }

    /** MYRIGHTS (RFC 4314 §3.5). */
    record MyRights(String mailbox) implements ImapCommand {
        public String name() {
            return "MYRIGHTS";
        }
    }

    /**
     * GETMETADATA (RFC 5464 §4.2): {@code mailbox} "" for the server; {@code maxSize} -1 when not
     * given; {@code depth} "0", "1" or "infinity".
     */
    record GetMetadata(String mailbox, List<String> entries, long maxSize, String depth) implements ImapCommand {
        public GetMetadata {
            entries = List.copyOf(entries);
        }

        public String name() {
            return "GETMETADATA";
        }
    }

    /** SETMETADATA (RFC 5464 §4.3): entries and their values in order, a null value (NIL) to remove one. */
    record SetMetadata(String mailbox, List<java.util.Map.Entry<String, String>> values) implements ImapCommand {
        public SetMetadata {
            values = List.copyOf(values);
        }

        public String name() {
            return "SETMETADATA";
        }
    }

    /** GETQUOTAROOT (RFC 9208 §4.1.2): the quota roots of a mailbox, and their quotas. */
    record GetQuotaRoot(String mailbox) implements ImapCommand {
        public String name() {
            return "GETQUOTAROOT";
        }
    }

    /** GETQUOTA (RFC 9208 §4.1.1): the resources of one quota root. */
    record GetQuota(String root) implements ImapCommand {
        public String name() {
            return "GETQUOTA";
        }
    }

    /** SETQUOTA (RFC 9208 §4.1.3), refused: quotas are the administrator's. */
    record SetQuota(String root) implements ImapCommand {
        public String name() {
            return "SETQUOTA";
        }
    }

    record Status(String mailbox, List<StatusItem> items) implements ImapCommand {
        public Status {
            items = List.copyOf(items);
        }

        public String name() {
            return "STATUS";
        }
    }

    /**
     * What precedes one message literal of APPEND (several with MULTIAPPEND, RFC 3502). The
     * message itself is never part of a parsed command: its octets are streamed to the store as
     * they arrive (see {@link FramerEvent.MessageLiteral}); after the first, each comes as an
     * item of an {@link AppendSegment} ({@link AppendItem.Message}).
     *
     * @param flags        as written, system flags with their backslash
     * @param internalDate the date-time argument, or null
     * @param utf8         the message comes as {@code UTF8 (literal8)} (RFC 6855 §4): the text
     *                     after its literal begins with the {@code )} that closes it
     */
    record AppendMessage(List<String> flags, OffsetDateTime internalDate, boolean utf8, boolean catenate)
            implements ImapCommand {
        public AppendMessage {
            flags = List.copyOf(flags);
        }

        /** A message given as one literal. */
        public AppendMessage(List<String> flags, OffsetDateTime internalDate, boolean utf8) {
            this(flags, internalDate, utf8, false);
        }

        public String name() {
            return "APPEND";
        }
    }

    /**
     * APPEND up to its first streamed literal (a message or a CATENATE {@code TEXT} part), or the
     * whole of an APPEND that has none (CATENATE of URLs only): the mailbox and what follows it.
     */
    record Append(String mailbox, AppendSegment segment) implements ImapCommand {
        public String name() {
            return "APPEND";
        }

        /** The head of the first message. */
        public AppendMessage first() {
            return ((AppendItem.Message) segment.items().get(0)).head();
        }
    }

    /**
     * What one stretch of an APPEND's text says (RFC 9051 §6.3.12, MULTIAPPEND RFC 3502, CATENATE
     * RFC 4469): from the start of the command, or from the end of a streamed literal, to the next
     * streamed literal or the end of the command. The result of
     * {@link CommandParser#parseAppendSegment}; within {@link Append} for the first stretch.
     *
     * @param items what it says, in order
     * @param next  what comes after it
     */
    record AppendSegment(List<AppendItem> items, Next next) implements ImapCommand {

        /** What follows a stretch of APPEND text. */
        public enum Next {
            /** The literal of a plain message (the last item's). */
            MESSAGE,
            /** The literal of a CATENATE {@code TEXT} part of the current message. */
            TEXT,
            /** Nothing: the command is over. */
            END
        }

        /** Where in the APPEND syntax a stretch starts, which tells how to read it. */
        public enum Position {
            /** Just after the mailbox: a message must come. */
            START,
            /** After a message: the end of the command, or the next message (MULTIAPPEND). */
            AFTER_MESSAGE,
            /** After the literal8 of {@code UTF8 (}: its {@code )} comes first. */
            AFTER_UTF8,
            /** After a part of a CATENATE message: another part, or {@code )}. */
            IN_CATENATE
        }

        public AppendSegment {
            items = List.copyOf(items);
        }

        /** Where the stretch after the literal that follows this one starts; null after the end. */
        public Position afterLiteral() {
            return switch (next) {
                case MESSAGE -> ((AppendItem.Message) items.get(items.size() - 1)).head().utf8()
                        ? Position.AFTER_UTF8 : Position.AFTER_MESSAGE;
                case TEXT -> Position.IN_CATENATE;
                case END -> null;
            };
        }

        public String name() {
            return "APPEND";
        }
    }

    record Check() implements ImapCommand {
        public String name() {
            return "CHECK";
        }
    }

    record Close() implements ImapCommand {
        public String name() {
            return "CLOSE";
        }
    }

    record Unselect() implements ImapCommand {
        public String name() {
            return "UNSELECT";
        }
    }

    /** EXPUNGE, or UID EXPUNGE (RFC 4315) when {@code uids} is not null. */
    record Expunge(SequenceSet uids) implements ImapCommand {
        public String name() {
            return uids == null ? "EXPUNGE" : "UID EXPUNGE";
        }
    }

    /** The RETURN options of ESEARCH (RFC 4731) and SEARCHRES (RFC 5182). */
    enum SearchReturn { MIN, MAX, ALL, COUNT, SAVE }

    /**
     * SEARCH / UID SEARCH.
     *
     * @param charset       the CHARSET argument in upper case, or null (strings were decoded with it)
     * @param returnOptions empty without RETURN; {@code RETURN ()} means {@code ALL} (RFC 4731 §3.1)
     * @param extended      RETURN was given: answer with ESEARCH rather than SEARCH
     */
    record Search(boolean uid, String charset, SearchKey criteria, Set<SearchReturn> returnOptions,
                  boolean extended) implements ImapCommand {
        public Search {
            returnOptions = Set.copyOf(returnOptions);
        }

        public String name() {
            return uid ? "UID SEARCH" : "SEARCH";
        }
    }

    /** SORT criteria (RFC 5256, RFC 5957 DISPLAYFROM/DISPLAYTO). */
    enum SortKey { ARRIVAL, CC, DATE, FROM, SIZE, SUBJECT, TO, DISPLAYFROM, DISPLAYTO }

    record SortCriterion(SortKey key, boolean reverse) {
    }

    /** SORT / UID SORT (RFC 5256), with ESORT's RETURN options (RFC 5267). */
    record Sort(boolean uid, List<SortCriterion> order, String charset, SearchKey criteria,
                Set<SearchReturn> returnOptions, boolean extended) implements ImapCommand {
        public Sort {
            order = List.copyOf(order);
            returnOptions = Set.copyOf(returnOptions);
        }

        public String name() {
            return uid ? "UID SORT" : "SORT";
        }
    }

    /** THREAD algorithms (RFC 5256 §3). */
    enum ThreadAlgorithm { ORDEREDSUBJECT, REFERENCES }

    /** THREAD / UID THREAD (RFC 5256). */
    record Thread(boolean uid, ThreadAlgorithm algorithm, String charset, SearchKey criteria) implements ImapCommand {
        public String name() {
            return uid ? "UID THREAD" : "THREAD";
        }
    }

    /**
     * FETCH / UID FETCH.
     *
     * @param changedSince CHANGEDSINCE modifier (RFC 7162 §3.1.4), or -1
     * @param vanished     VANISHED modifier (RFC 7162 §3.2.6, UID FETCH only)
     */
    record Fetch(boolean uid, SequenceSet set, List<FetchItem> items, long changedSince, boolean vanished)
            implements ImapCommand {
        public Fetch {
            items = List.copyOf(items);
        }

        public String name() {
            return uid ? "UID FETCH" : "FETCH";
        }
    }

    enum StoreMode { REPLACE, ADD, REMOVE }

    /**
     * STORE / UID STORE.
     *
     * @param unchangedSince UNCHANGEDSINCE modifier (RFC 7162 §3.1.3), or -1
     */
    record Store(boolean uid, SequenceSet set, StoreMode mode, boolean silent, List<String> flags,
                 long unchangedSince) implements ImapCommand {
        public Store {
            flags = List.copyOf(flags);
        }

        public String name() {
            return uid ? "UID STORE" : "STORE";
        }
    }

    record Copy(boolean uid, SequenceSet set, String mailbox) implements ImapCommand {
        public String name() {
            return uid ? "UID COPY" : "COPY";
        }
    }

    /** MOVE / UID MOVE (RFC 6851). */
    record Move(boolean uid, SequenceSet set, String mailbox) implements ImapCommand {
        public String name() {
            return uid ? "UID MOVE" : "MOVE";
        }
    }

    /** IDLE (RFC 2177): the session then waits for a {@code DONE} line ({@link CommandParser#isDone}). */
    record Idle() implements ImapCommand {
        public String name() {
            return "IDLE";
        }
    }

    /**
     * A command that could not be parsed: answer {@code TAG BAD message} (or {@code * BAD} when
     * there was no tag); or, when {@code refused}, one well formed but naming something that
     * cannot exist (a mailbox name that is not modified UTF-7): {@code TAG NO message}, as Dovecot
     * answers.
     */
    record Invalid(String message, boolean refused) implements ImapCommand {
        public Invalid(String message) {
            this(message, false);
        }

        public String name() {
            return "";
        }
    }
}
