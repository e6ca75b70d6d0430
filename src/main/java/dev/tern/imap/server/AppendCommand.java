package dev.tern.imap.server;

import dev.tern.imap.protocol.ResponseCode;
import dev.tern.imap.protocol.SequenceSet;
import dev.tern.mailbox.AppendResult;
import dev.tern.mailbox.Flags;
import dev.tern.mailbox.MailboxAccess;
import dev.tern.mailbox.MailboxService;
import dev.tern.mailbox.MessageService;
import dev.tern.store.Rows;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * APPEND (RFC 9051 §6.3.12), with MULTIAPPEND's several messages (RFC 3502), CATENATE's messages
 * put together from TEXT literals and URL parts (RFC 4469, {@link CatenateUrls}) and the APPENDUID
 * response code (RFC 4315), once its messages have streamed into the store
 * ({@link AppendReceiver}). A URL that does not resolve is {@code NO [BADURL url]}, a catenated
 * message over the size limit {@code NO [TOOBIG]}; nothing of the command is stored then. Flags and internal date are kept as given; a missing mailbox is
 * answered with TRYCREATE so that clients create it and try again. Messages that would take the
 * account past its quota are refused with OVERQUOTA (RFC 9208 §4.3), all of them together.
 */
final class AppendCommand {

    /** The text of an APPEND refused for the quota, before the upload or after it. */
    static final String OVER_QUOTA = "mailbox full: the account's quota has no room for this";

    private AppendCommand() {
    }

    /** What the storage work found: the appended messages, or none because the quota has no room. */
    private record Outcome(List<AppendResult> results, boolean overQuota) {
    }

    static void append(ImapSession s, AppendReceiver receiver) {
        String tag = receiver.tag();
        List<Flags> flags = new ArrayList<>();
        for (AppendReceiver.Message m : receiver.messages()) {
            try {
                // \Recent cannot be set by a client (RFC 3501 §2.3.2): ignored rather than refused.
                flags.add(Flags.of(m.head().flags().stream().filter(f -> !f.equalsIgnoreCase("\\Recent")).toList()));
            } catch (IllegalArgumentException e) {
                receiver.discard();
                s.appendStoring();
                s.bad(tag, e.getMessage());
                return;
            }
        }
        CompletableFuture<?>[] written = receiver.messages().stream().map(m -> m.pipe().finished())
                .toArray(CompletableFuture[]::new);
        long limit = s.context().limits().maxLiteralSize();
        s.io().await(CompletableFuture.allOf(written), (v, error) -> {
            CatenateFailure catenate = catenateFailure(error);
            if (catenate != null) {
                s.appendStoring();
                receiver.discard();
                s.no(tag, catenate.code(), catenate.getMessage());
            } else if (error != null) {
                s.appendStoring();
                receiver.discard();
                s.failed(tag, error, "APPEND");
            } else if (receiver.messages().stream().anyMatch(m -> m.pipe().upload().size() > limit)) {
                // A CATENATE message whose parts together are too big (each was checked as it came).
                s.appendStoring();
                receiver.discard();
                s.no(tag, ResponseCode.tooBig(), CatenateFailure.tooBig(limit).getMessage());
            } else if (receiver.messages().stream().anyMatch(m -> !m.binary() && m.pipe().upload().containsNul())) {
                receiver.discard();
                s.appendStoring();
                s.bad(tag, "NUL in a literal (use literal8 ~{n} for binary content)");
            } else {
                store(s, receiver, flags);
            }
        });
    }

    /** The CATENATE failure behind {@code error}, if that is what it is. */
    private static CatenateFailure catenateFailure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof CatenateFailure f) {
                return f;
            }
        }
        return null;
    }

    private static void store(ImapSession s, AppendReceiver receiver, List<Flags> flags) {
        String tag = receiver.tag();
        s.appendStoring();
        MailboxService mailboxes = s.context().mailboxes();
        long account = s.user().accountId();
        List<AppendReceiver.Message> messages = receiver.messages();
        s.onStorage(() -> {
            int stored = 0;
            try {
                MailboxAccess.Reached reached = mailboxes.access().find(account, receiver.mailbox()).orElse(null);
                if (reached == null) {
                    return null;
                }
                reached.require('i', "put messages in it");
                Rows.Mailbox box = reached.mailbox();
                long bytes = messages.stream().mapToLong(m -> m.pipe().upload().size()).sum();
                if (!mailboxes.hasRoom(box.accountId(), bytes)) {
                    return new Outcome(List.of(), true);
                }
                List<MessageService.Appended> appended = new ArrayList<>();
                for (int i = 0; i < messages.size(); i++) {
                    AppendReceiver.Message m = messages.get(i);
                    Instant date = m.head().internalDate() == null ? Instant.now() : m.head().internalDate().toInstant();
                    // RFC 4314 §4: only the flags the user may set are stored; the APPEND still succeeds.
                    appended.add(new MessageService.Appended(m.pipe().upload(),
                            flags.get(i).changeableWith(reached.rights()), date));
                }
                stored = messages.size();   // appendAll consumes every upload, whatever happens
                return new Outcome(mailboxes.messageService().appendAll(box.id(), appended), false);
            } finally {
                for (AppendReceiver.Message m : messages.subList(stored, messages.size())) {
                    m.pipe().upload().abort();
                }
                // Here rather than in the answer, which a client that left meanwhile never gets.
                receiver.release();
            }
        }, (outcome, error) -> {
            List<AppendResult> results = outcome == null ? null : outcome.results();
            if (error != null) {
                s.failed(tag, error, "APPEND");
            } else if (outcome == null) {
                s.no(tag, ResponseCode.tryCreate(), "no mailbox named " + receiver.mailbox());
            } else if (outcome.overQuota()) {
                s.no(tag, ResponseCode.overQuota(), OVER_QUOTA);
            } else {
                List<Long> added = results.stream().map(AppendResult::uid).toList();
                SelectedMailbox selected = s.selected();
                if (selected != null && selected.id() == results.get(0).mailboxId()) {
                    selected.addedHere(added);
                }
                SequenceSet uids = SequenceSet.compress(added);
                s.completed(tag, ResponseCode.appendUid(results.get(0).uidValidity(), uids), "APPEND completed");
            }
        });
    }
}
