package dev.tern.mailimport;

import dev.tern.mailbox.Flags;

import java.util.ArrayList;
import java.util.List;

/**
 * The flags a Maildir file name carries after {@code :2,} (cr.yp.to/proto/maildir.html): {@code D}
 * draft, {@code F} flagged, {@code P} passed (forwarded), {@code R} replied, {@code S} seen,
 * {@code T} trashed; and Dovecot's keywords, the lower-case letters {@code a}–{@code z}, each the
 * keyword of that index in the folder's {@code dovecot-keywords} file.
 */
final class MaildirFlags {

    private MaildirFlags() {
    }

    /**
     * The flags of a file name; none for a name without an info part (a message in {@code new/}).
     * Windows copies write {@code ;} or {@code !} where Unix writes {@code :}.
     *
     * @param keywords the folder's keywords by index; a letter without one is dropped
     */
    static Flags of(String fileName, List<String> keywords) {
        int info = Math.max(fileName.lastIndexOf(":2,"), Math.max(fileName.lastIndexOf(";2,"), fileName.lastIndexOf("!2,")));
        if (info < 0) {
            return Flags.NONE;
        }
        List<String> names = new ArrayList<>();
        for (char c : fileName.substring(info + 3).toCharArray()) {
            switch (c) {
                case 'D' -> names.add("\\Draft");
                case 'F' -> names.add("\\Flagged");
                case 'P' -> names.add("$Forwarded");
                case 'R' -> names.add("\\Answered");
                case 'S' -> names.add("\\Seen");
                case 'T' -> names.add("\\Deleted");
                default -> {
                    int index = c - 'a';
                    if (c >= 'a' && c <= 'z' && index < keywords.size() && keywords.get(index) != null) {
                        names.add(keywords.get(index));
                    }
                }
            }
        }
        return Flags.of(names);
    }
}
