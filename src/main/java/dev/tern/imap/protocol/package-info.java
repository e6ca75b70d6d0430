/**
 * The IMAP protocol without network or storage: bytes of commands in, typed commands out;
 * responses out as bytes; the MIME structure of stored messages; search criteria as programs.
 * The IMAP session (Netty, state machine, command execution on the mailbox store) is built on it.
 *
 * <p>Reading order: {@link dev.tern.imap.protocol.CommandFramer} (splits the input into commands,
 * literals and limits) → {@link dev.tern.imap.protocol.CommandParser} (pure: command bytes →
 * {@link dev.tern.imap.protocol.ImapRequest} with an {@link dev.tern.imap.protocol.ImapCommand};
 * search keys in {@link dev.tern.imap.protocol.SearchCriteriaParser}, fetch items in
 * {@link dev.tern.imap.protocol.FetchItemsParser}) → the session →
 * {@link dev.tern.imap.protocol.ResponseWriter} (responses as bytes, literals streamed).
 * Messages: {@link dev.tern.imap.protocol.MessageStructure#parse} once at delivery (kept in the
 * index via {@link dev.tern.imap.protocol.MessageStructure#toBytes}), then
 * {@link dev.tern.imap.protocol.StructureWriter} for ENVELOPE/BODYSTRUCTURE and
 * {@link dev.tern.imap.protocol.SectionLocator} + {@link dev.tern.imap.protocol.HeaderFieldFilter}
 * for BODY[section]. SEARCH: {@link dev.tern.imap.protocol.SearchProgram} over
 * {@link dev.tern.imap.protocol.MessageView}, text decoded by {@link dev.tern.imap.protocol.SearchText}.
 *
 * <p>Standards: RFC 3501 (IMAP4rev1), RFC 9051 (IMAP4rev2), RFC 7888 (LITERAL+, LITERAL-),
 * RFC 4959 (SASL-IR), RFC 5161 (ENABLE), RFC 2971 (ID), RFC 2342 (NAMESPACE), RFC 3502
 * (MULTIAPPEND), RFC 3516 (BINARY), RFC 3691 (UNSELECT), RFC 4315 (UIDPLUS), RFC 4469 (CATENATE:
 * APPEND's syntax in {@link dev.tern.imap.protocol.ImapCommand.AppendSegment}, its URLs by RFC 5092
 * in {@link dev.tern.imap.protocol.ImapUrl}), RFC 4469 / 7889 (TOOBIG), RFC 4731 (ESEARCH), RFC 5032 (WITHIN), RFC 5182 (SEARCHRES), RFC 5256 / 5267 / 5957
 * (SORT, ESORT, DISPLAYFROM), RFC 5258 (LIST-EXTENDED), RFC 5530 (response codes), RFC 5819
 * (LIST-STATUS), RFC 6154 (SPECIAL-USE), RFC 6851 (MOVE), RFC 6855 (UTF8=ACCEPT), RFC 7162
 * (CONDSTORE, QRESYNC), RFC 8438 (STATUS=SIZE), RFC 2177 (IDLE); MIME: RFC 2045, 2046, 2047,
 * 2183, 5322.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Pure: no class here does network I/O, reads the store, or keeps session state; the only
 *       input streams read are the ones handed in.</li>
 *   <li>The parser never throws: any byte sequence becomes a command or
 *       {@link dev.tern.imap.protocol.ImapCommand.Invalid} with a short message for {@code BAD}.</li>
 *   <li>Structure parsing never fails on malformed MIME (it degrades to text/plain, as Dovecot
 *       does) and its offsets always add up to the message's size.</li>
 *   <li>Strings written by {@link dev.tern.imap.protocol.ResponseWriter} are always valid IMAP:
 *       anything that cannot be quoted becomes a literal.</li>
 * </ul>
 *
 * <p>Security notes:
 * <ul>
 *   <li>Memory is bounded before bytes are read: line length, literal size and command size are
 *       checked by the framer from the announced length ({@link dev.tern.imap.protocol.FramingLimits});
 *       over-long lines and refused non-synchronizing literals are discarded as they arrive, the
 *       latter only up to {@link dev.tern.imap.protocol.FramingLimits#maxSkipped()} per command
 *       (beyond, the connection is to be closed). CATENATE {@code TEXT} parts are streamed like
 *       APPEND messages, never buffered with the command.</li>
 *   <li>{@link dev.tern.imap.protocol.ImapUrl} is syntax only: whether a URL names this server,
 *       this user and a message they may read is the server's check.</li>
 *   <li>Recursion is bounded: search criteria nest at most 64 levels, MIME at most 32, with at
 *       most 10,000 parts; header fields kept per entity are capped (1,000 fields, 256 KiB), as
 *       are addresses per field (1,000) and text extracted for SEARCH (4 Mi characters).</li>
 *   <li>Passwords and SASL responses never appear in {@code toString()} of LOGIN/AUTHENTICATE.</li>
 *   <li>Client text echoed in error messages is shortened and reduced to printable ASCII; CR and LF
 *       can never be injected into a response line by response text.</li>
 *   <li>Mailbox names in modified UTF-7 are decoded strictly, so two wire names never map to one
 *       mailbox.</li>
 * </ul>
 */
package dev.tern.imap.protocol;
