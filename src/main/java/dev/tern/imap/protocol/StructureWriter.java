package dev.tern.imap.protocol;

import java.util.List;

/**
 * Writes the ENVELOPE, BODYSTRUCTURE and BODY forms of RFC 9051 §7.5.2 from a
 * {@link MessageStructure}, field for field in the order of the RFC's grammar.
 */
public final class StructureWriter {

    private StructureWriter() {
    }

    public static void envelope(ResponseWriter w, Envelope e) {
        w.openList();
        w.nstring(e.date()).nstring(e.subject());
        addresses(w, e.from());
        addresses(w, e.sender());
        addresses(w, e.replyTo());
        addresses(w, e.to());
        addresses(w, e.cc());
        addresses(w, e.bcc());
        w.nstring(e.inReplyTo()).nstring(e.messageId());
        w.closeList();
    }

    private static void addresses(ResponseWriter w, List<EnvelopeAddress> list) {
        if (list == null || list.isEmpty()) {
            w.nil();
            return;
        }
        w.openList();
        for (EnvelopeAddress a : list) {
            w.joined().openList();
            w.nstring(a.name()).nstring(a.adl()).nstring(a.mailbox()).nstring(a.host());
            w.closeList();
        }
        w.closeList();
    }

    /**
     * The body structure of a part.
     *
     * @param extensible BODYSTRUCTURE (true) or BODY (false, no extension data)
     */
    public static void body(ResponseWriter w, BodyPart part, boolean extensible) {
        w.openList();
        if (part.isMultipart()) {
            for (BodyPart child : part.parts()) {
                w.joined();
                body(w, child, extensible);
            }
            w.string(part.subtype());
            if (extensible) {
                parameters(w, part.parameters());
                disposition(w, part);
                language(w, part.language());
                w.nstring(part.location());
            }
        } else {
            w.string(part.type()).string(part.subtype());
            parameters(w, part.parameters());
            w.nstring(part.id()).nstring(part.description()).string(part.encoding()).number(part.size());
            if (part.isMessage() && !part.parts().isEmpty()) {
                BodyPart enclosed = part.parts().get(0);
                envelope(w, enclosed.envelope());
                body(w, enclosed, extensible);
                w.number(Math.max(0, part.lines()));
            } else if (part.isText()) {
                w.number(Math.max(0, part.lines()));
            }
            if (extensible) {
                w.nstring(part.md5());
                disposition(w, part);
                language(w, part.language());
                w.nstring(part.location());
            }
        }
        w.closeList();
    }

    private static void parameters(ResponseWriter w, List<String> params) {
        if (params.isEmpty()) {
            w.nil();
            return;
        }
        w.openList();
        for (String p : params) {
            w.string(p);
        }
        w.closeList();
    }

    private static void disposition(ResponseWriter w, BodyPart part) {
        if (part.disposition() == null) {
            w.nil();
            return;
        }
        w.openList().string(part.disposition());
        parameters(w, part.dispositionParameters());
        w.closeList();
    }

    private static void language(ResponseWriter w, List<String> tags) {
        if (tags == null || tags.isEmpty()) {
            w.nil();
        } else if (tags.size() == 1) {
            w.string(tags.get(0));
        } else {
            w.openList();
            for (String t : tags) {
                w.string(t);
            }
            w.closeList();
        }
    }
}
