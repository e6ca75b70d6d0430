package dev.tern.imap.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses the data items of FETCH (RFC 9051 §6.4.5): a macro, one item, or a parenthesised list;
 * sections ({@code BODY[1.2.HEADER.FIELDS (From)]<0.100>}) and the BINARY items of RFC 3516.
 */
final class FetchItemsParser {

    private static final int MAX_PART_DEPTH = 64;

    private final CommandReader reader;

    FetchItemsParser(CommandReader reader) {
        this.reader = reader;
    }

    List<FetchItem> items() {
        List<FetchItem> items = new ArrayList<>();
        if (reader.tryChar('(')) {
            item(items);
            while (!reader.tryChar(')')) {
                reader.space();
                item(items);
            }
            return items;
        }
        int mark = items.size();
        String name = peekMacro();
        if (name != null) {
            expandMacro(name, items);
            return items;
        }
        item(items);
        assert items.size() > mark;
        return items;
    }

    private String peekMacro() {
        for (String macro : List.of("ALL", "FAST", "FULL")) {
            if (reader.tryWord(macro)) {
                return macro;
            }
        }
        return null;
    }

    private static void expandMacro(String macro, List<FetchItem> items) {
        items.add(FetchItem.Attribute.FLAGS);
        items.add(FetchItem.Attribute.INTERNALDATE);
        items.add(FetchItem.Attribute.RFC822_SIZE);
        if (!macro.equals("FAST")) {
            items.add(FetchItem.Attribute.ENVELOPE);
        }
        if (macro.equals("FULL")) {
            items.add(FetchItem.Attribute.BODY);
        }
    }

    private void item(List<FetchItem> items) {
        String name = reader.word("a fetch item").toUpperCase(Locale.ROOT);
        switch (name) {
            case "FLAGS" -> items.add(FetchItem.Attribute.FLAGS);
            case "INTERNALDATE" -> items.add(FetchItem.Attribute.INTERNALDATE);
            case "RFC822.SIZE" -> items.add(FetchItem.Attribute.RFC822_SIZE);
            case "ENVELOPE" -> items.add(FetchItem.Attribute.ENVELOPE);
            case "BODYSTRUCTURE" -> items.add(FetchItem.Attribute.BODYSTRUCTURE);
            case "UID" -> items.add(FetchItem.Attribute.UID);
            case "MODSEQ" -> items.add(FetchItem.Attribute.MODSEQ);
            case "EMAILID" -> items.add(FetchItem.Attribute.EMAILID);
            case "THREADID" -> items.add(FetchItem.Attribute.THREADID);
            case "SAVEDATE" -> items.add(FetchItem.Attribute.SAVEDATE);
            case "PREVIEW" -> {
                previewModifiers();
                items.add(FetchItem.Attribute.PREVIEW);
            }
            case "RFC822" -> items.add(FetchItem.Attribute.RFC822);
            case "RFC822.HEADER" -> items.add(FetchItem.Attribute.RFC822_HEADER);
            case "RFC822.TEXT" -> items.add(FetchItem.Attribute.RFC822_TEXT);
            case "BODY", "BODY.PEEK" -> {
                if (reader.peek() != '[') {
                    if (name.equals("BODY.PEEK")) {
                        throw new ParseFailure("BODY.PEEK needs a section in brackets");
                    }
                    items.add(FetchItem.Attribute.BODY);
                } else {
                    Section section = section();
                    items.add(new FetchItem.BodySection(section, partial(), name.equals("BODY.PEEK")));
                }
            }
            case "BINARY", "BINARY.PEEK" -> {
                List<Integer> part = binaryPart();
                items.add(new FetchItem.Binary(part, partial(), name.equals("BINARY.PEEK")));
            }
            case "BINARY.SIZE" -> items.add(new FetchItem.BinarySize(binaryPart()));
            case "ALL", "FAST", "FULL" -> throw new ParseFailure("Macro " + name + " cannot be combined with other items");
            default -> throw new ParseFailure("Unknown fetch item " + name);
        }
    }

    /**
     * RFC 8970 §3: {@code PREVIEW (LAZY)}. A preview is always made at once here, so LAZY (which
     * lets the server answer NIL rather than make one) changes nothing; an unknown modifier is a BAD.
     */
    private void previewModifiers() {
        if (reader.peek() != ' ' || reader.peek(1) != '(') {
            return;
        }
        reader.space();
        reader.expect('(', "'(' before PREVIEW's modifiers");
        do {
            String modifier = reader.word("a PREVIEW modifier").toUpperCase(Locale.ROOT);
            if (!modifier.equals("LAZY")) {
                throw new ParseFailure("Unknown PREVIEW modifier " + modifier);
            }
        } while (reader.tryChar(' '));
        reader.expect(')', "')' after PREVIEW's modifiers");
    }

    private List<Integer> binaryPart() {
        reader.expect('[', "'[' after BINARY");
        List<Integer> part = new ArrayList<>();
        if (!reader.tryChar(']')) {
            String path = reader.word("a part number");
            for (String n : path.split("\\.", -1)) {
                part.add(partNumber(n));
            }
            reader.expect(']', "']' after the part number");
        }
        return part;
    }

    Section section() {
        reader.expect('[', "'['");
        if (reader.tryChar(']')) {
            return Section.WHOLE;
        }
        String spec = reader.word("a section").toUpperCase(Locale.ROOT);
        List<Integer> part = new ArrayList<>();
        String[] pieces = spec.split("\\.", -1);
        int i = 0;
        while (i < pieces.length && !pieces[i].isEmpty() && Character.isDigit(pieces[i].charAt(0))) {
            part.add(partNumber(pieces[i]));
            i++;
        }
        if (part.size() > MAX_PART_DEPTH) {
            throw new ParseFailure("Section part path too deep");
        }
        String textName = String.join(".", java.util.Arrays.asList(pieces).subList(i, pieces.length));
        Section.Text text = switch (textName) {
            case "" -> Section.Text.ALL;
            case "HEADER" -> Section.Text.HEADER;
            case "HEADER.FIELDS" -> Section.Text.HEADER_FIELDS;
            case "HEADER.FIELDS.NOT" -> Section.Text.HEADER_FIELDS_NOT;
            case "TEXT" -> Section.Text.TEXT;
            case "MIME" -> Section.Text.MIME;
            default -> throw new ParseFailure("Invalid section " + spec);
        };
        if (text == Section.Text.MIME && part.isEmpty()) {
            throw new ParseFailure("MIME needs a part number");
        }
        if (text == Section.Text.ALL && spec.endsWith(".")) {
            throw new ParseFailure("Invalid section " + spec);
        }
        List<String> fields = new ArrayList<>();
        if (text == Section.Text.HEADER_FIELDS || text == Section.Text.HEADER_FIELDS_NOT) {
            reader.space();
            reader.expect('(', "'(' before the header field names");
            fields.add(reader.astring("a header field name"));
            while (!reader.tryChar(')')) {
                reader.space();
                fields.add(reader.astring("a header field name"));
            }
        }
        reader.expect(']', "']' after the section");
        return new Section(part, text, fields);
    }

    private FetchItem.Partial partial() {
        if (!reader.tryChar('<')) {
            return null;
        }
        long offset = reader.number("a partial offset");
        reader.expect('.', "'.' in the partial range");
        long length = reader.nzNumber("a partial length");
        reader.expect('>', "'>' after the partial range");
        return new FetchItem.Partial(offset, length);
    }

    private static int partNumber(String n) {
        if (n.isEmpty() || n.length() > 9 || !n.chars().allMatch(Character::isDigit) || n.charAt(0) == '0') {
            throw new ParseFailure("Invalid part number '" + n + "'");
        }
        return Integer.parseInt(n);
    }
}
