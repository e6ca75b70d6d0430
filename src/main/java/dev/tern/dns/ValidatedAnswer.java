package dev.tern.dns;

import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.util.ArrayList;
import java.util.List;

/**
 * An answer and whether the recursive resolver validated it with DNSSEC.
 *
 * @param answer    what DNS said, as for any lookup
 * @param secure    the resolver set the AD bit: every record of the answer, or the denial that
 *                  there are none, is signed and validated (RFC 4035 §3.2.3)
 * @param canonical the name the records belong to: the asked name, or the end of the CNAME chain
 *                  the answer followed
 */
public record ValidatedAnswer(DnsAnswer<Record> answer, boolean secure, Name canonical) {

    /** CNAMEs followed inside one answer; real chains have one or two. */
    private static final int MAX_CHAIN = 8;

    /** Reads a resolver's response to a query for {@code asked} and {@code type}. */
    static ValidatedAnswer of(Name asked, int type, Message response) {
        boolean secure = response.getHeader().getFlag(Flags.AD);
        int rcode = response.getRcode();
        Name current = asked;
        List<Record> section = response.getSection(Section.ANSWER);
        for (int i = 0; i < MAX_CHAIN; i++) {
            Name owner = current;
            Record cname = section.stream()
                    .filter(r -> r.getType() == Type.CNAME && r.getName().equals(owner)).findFirst().orElse(null);
            if (cname == null || type == Type.CNAME) {
                break;
            }
            current = ((CNAMERecord) cname).getTarget();
        }
        Name owner = current;
        List<Record> found = new ArrayList<>();
        for (Record r : section) {
            if (r.getType() == type && r.getName().equals(owner)) {
                found.add(r);
            }
        }
        DnsAnswer<Record> answer;
        if (!found.isEmpty()) {
            answer = new DnsAnswer.Found<>(found);
        } else if (rcode == Rcode.NXDOMAIN) {
            answer = new DnsAnswer.NoSuchDomain<>();
        } else if (rcode == Rcode.NOERROR) {
            answer = new DnsAnswer.NoData<>();
        } else {
            answer = new DnsAnswer.TemporaryFailure<>("DNS lookup of " + asked.toString(true) + "/" + Type.string(type)
                    + " failed: the DNS server answered " + Rcode.string(rcode));
            secure = false;
        }
        return new ValidatedAnswer(answer, secure, current);
    }
}
