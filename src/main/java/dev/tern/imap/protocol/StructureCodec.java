package dev.tern.imap.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary form of {@link MessageStructure}: the magic {@code TMS}, a format version, then the
 * fields in a fixed order with variable-length integers (offsets are mostly small) and
 * length-prefixed UTF-8 strings (length 0 means null). Parts are written depth first.
 * A new field means a new version; old versions stay readable or are re-parsed.
 */
final class StructureCodec {

    static final int VERSION = 1;
    private static final byte[] MAGIC = {'T', 'M', 'S'};
    private static final int MAX_DEPTH = 2 * StructureScanner.MAX_DEPTH + 4;

    private StructureCodec() {
    }

    static byte[] encode(MessageStructure s) {
        Out out = new Out();
        out.bytes.writeBytes(MAGIC);
        out.varint(VERSION);
        out.varint(s.size());
        part(out, s.root());
        return out.bytes.toByteArray();
    }

    private static void part(Out out, BodyPart p) {
        out.string(p.type());
        out.string(p.subtype());
        out.strings(p.parameters());
        out.string(p.id());
        out.string(p.description());
        out.string(p.encoding());
        out.string(p.md5());
        out.string(p.disposition());
        out.strings(p.dispositionParameters());
        out.strings(p.language());
        out.string(p.location());
        out.varint(p.headerStart());
        out.varint(p.bodyStart() - p.headerStart());
        out.varint(p.bodyEnd() - p.bodyStart());
        out.varint(p.lines() + 1);
        Envelope e = p.envelope();
        out.varint(e == null ? 0 : 1);
        if (e != null) {
            out.string(e.date());
            out.string(e.subject());
            for (List<EnvelopeAddress> list : List.of(nullable(e.from()), nullable(e.sender()), nullable(e.replyTo()),
                    nullable(e.to()), nullable(e.cc()), nullable(e.bcc()))) {
                out.varint(list.size());
                for (EnvelopeAddress a : list) {
                    out.string(a.name());
                    out.string(a.adl());
                    out.string(a.mailbox());
                    out.string(a.host());
                }
            }
            out.string(e.inReplyTo());
            out.string(e.messageId());
        }
        out.varint(p.parts().size());
        for (BodyPart child : p.parts()) {
            part(out, child);
        }
    }

    private static List<EnvelopeAddress> nullable(List<EnvelopeAddress> list) {
        return list == null ? List.of() : list;
    }

    static MessageStructure decode(byte[] bytes) {
        In in = new In(bytes);
        for (byte m : MAGIC) {
            if (in.pos >= bytes.length || bytes[in.pos++] != m) {
                throw new IllegalArgumentException("not a message structure");
            }
        }
        long version = in.varint();
        if (version != VERSION) {
            throw new IllegalArgumentException("unknown message structure version " + version);
        }
        long size = in.varint();
        BodyPart root = part(in, 0);
        if (in.pos != bytes.length) {
            throw new IllegalArgumentException("trailing data after the message structure");
        }
        return new MessageStructure(root, size);
    }

    private static BodyPart part(In in, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("message structure nested too deeply");
        }
        String type = in.string();
        String subtype = in.string();
        List<String> params = in.strings();
        String id = in.string();
        String description = in.string();
        String encoding = in.string();
        String md5 = in.string();
        String disposition = in.string();
        List<String> dispositionParams = in.strings();
        List<String> language = in.strings();
        String location = in.string();
        long headerStart = in.varint();
        long bodyStart = headerStart + in.varint();
        long bodyEnd = bodyStart + in.varint();
        long lines = in.varint() - 1;
        Envelope envelope = null;
        if (in.varint() == 1) {
            String date = in.string();
            String subject = in.string();
            List<List<EnvelopeAddress>> lists = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                int n = in.count();
                List<EnvelopeAddress> list = new ArrayList<>(n);
                for (int k = 0; k < n; k++) {
                    list.add(new EnvelopeAddress(in.string(), in.string(), in.string(), in.string()));
                }
                lists.add(list.isEmpty() ? null : List.copyOf(list));
            }
            envelope = new Envelope(date, subject, lists.get(0), lists.get(1), lists.get(2), lists.get(3),
                    lists.get(4), lists.get(5), in.string(), in.string());
        }
        int n = in.count();
        List<BodyPart> parts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            parts.add(part(in, depth + 1));
        }
        if (type == null || subtype == null || encoding == null || params == null || dispositionParams == null) {
            throw new IllegalArgumentException("incomplete message structure");
        }
        return new BodyPart(type, subtype, params, id, description, encoding, md5, disposition, dispositionParams,
                language, location, headerStart, bodyStart, bodyEnd, lines, envelope, parts);
    }

    private static final class Out {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);

        void varint(long v) {
            while ((v & ~0x7FL) != 0) {
                bytes.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            bytes.write((int) v);
        }

        void string(String s) {
            if (s == null) {
                varint(0);
                return;
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            varint(b.length + 1L);
            bytes.writeBytes(b);
        }

        void strings(List<String> list) {
            if (list == null) {
                varint(0);
                return;
            }
            varint(list.size() + 1L);
            for (String s : list) {
                string(s);
            }
        }
    }

    private static final class In {
        final byte[] bytes;
        int pos;

        In(byte[] bytes) {
            this.bytes = bytes;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= bytes.length) {
                    throw new IllegalArgumentException("truncated message structure");
                }
                byte b = bytes[pos++];
                v |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return v;
                }
            }
            throw new IllegalArgumentException("corrupt message structure");
        }

        int count() {
            long n = varint();
            if (n > bytes.length - pos) {
                throw new IllegalArgumentException("corrupt message structure");
            }
            return (int) n;
        }

        String string() {
            long n = varint();
            if (n == 0) {
                return null;
            }
            if (n - 1 > bytes.length - pos) {
                throw new IllegalArgumentException("truncated message structure");
            }
            String s = new String(bytes, pos, (int) (n - 1), StandardCharsets.UTF_8);
            pos += (int) (n - 1);
            return s;
        }

        List<String> strings() {
            long n = varint();
            if (n == 0) {
                return null;
            }
            if (n - 1 > bytes.length - pos) {
                throw new IllegalArgumentException("corrupt message structure");
            }
            List<String> list = new ArrayList<>((int) (n - 1));
            for (long i = 0; i < n - 1; i++) {
                list.add(string());
            }
            return list;
        }
    }
}
