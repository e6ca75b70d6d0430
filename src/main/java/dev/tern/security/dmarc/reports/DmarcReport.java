package dev.tern.security.dmarc.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tern.store.Rows;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/** One day's aggregate report for one policy domain, in the XML of RFC 7489 appendix C. */
public final class DmarcReport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DmarcReport() {
    }

    /**
     * The report's XML text.
     *
     * @param contact extra contact information, or null
     * @param rows    the day's rows for the domain (one domain, one day); the policy of the first is
     *                the one published
     */
    public static String xml(String organization, String email, String contact, String reportId, LocalDate day,
                             List<Rows.DmarcReportRow> rows) {
        long begin = day.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        StringWriter text = new StringWriter();
        try {
            XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(text);
            x.writeStartDocument("UTF-8", "1.0");
            x.writeStartElement("feedback");
            x.writeStartElement("report_metadata");
            element(x, "org_name", organization);
            element(x, "email", email);
            if (contact != null) {
                element(x, "extra_contact_info", contact);
            }
            element(x, "report_id", reportId);
            x.writeStartElement("date_range");
            element(x, "begin", Long.toString(begin));
            element(x, "end", Long.toString(begin + 86_399));
            x.writeEndElement();
            x.writeEndElement();

            JsonNode policy = JSON.readTree(rows.get(0).policy());
            x.writeStartElement("policy_published");
            for (String name : List.of("domain", "adkim", "aspf", "p", "sp", "pct")) {
                element(x, name, policy.get(name).asText());
            }
            x.writeEndElement();

            for (Rows.DmarcReportRow row : rows) {
                JsonNode r = JSON.readTree(row.record());
                x.writeStartElement("record");
                x.writeStartElement("row");
                element(x, "source_ip", r.get("source_ip").asText());
                element(x, "count", Long.toString(row.messages()));
                x.writeStartElement("policy_evaluated");
                element(x, "disposition", r.get("disposition").asText());
                element(x, "dkim", r.get("dkim").asText());
                element(x, "spf", r.get("spf").asText());
                if (r.has("reason")) {
                    x.writeStartElement("reason");
                    element(x, "type", r.get("reason").get("type").asText());
                    element(x, "comment", r.get("reason").get("comment").asText());
                    x.writeEndElement();
                }
                x.writeEndElement();
                x.writeEndElement();
                x.writeStartElement("identifiers");
                if (r.has("envelope_from")) {
                    element(x, "envelope_from", r.get("envelope_from").asText());
                }
                element(x, "header_from", r.get("header_from").asText());
                x.writeEndElement();
                x.writeStartElement("auth_results");
                for (JsonNode d : r.get("auth_dkim")) {
                    x.writeStartElement("dkim");
                    element(x, "domain", d.get("domain").asText());
                    if (d.hasNonNull("selector")) {
                        element(x, "selector", d.get("selector").asText());
                    }
                    element(x, "result", d.get("result").asText());
                    x.writeEndElement();
                }
                JsonNode s = r.get("auth_spf");
                x.writeStartElement("spf");
                element(x, "domain", s.get("domain").asText());
                element(x, "scope", s.get("scope").asText());
                element(x, "result", s.get("result").asText());
                x.writeEndElement();
                x.writeEndElement();
                x.writeEndElement();
            }
            x.writeEndElement();
            x.writeEndDocument();
            x.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write the DMARC report: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    /**
     * Characters XML 1.0 cannot carry at all (controls, lone surrogates), which a message's fields
     * (a DKIM selector from a broken signature, say) may hold: each becomes "?", so that the report
     * stays well-formed. The writer escapes the rest.
     */
    private static final java.util.regex.Pattern NOT_XML =
            java.util.regex.Pattern.compile("[^\\x09\\x0A\\x0D\\x20-\\x{D7FF}\\x{E000}-\\x{FFFD}\\x{10000}-\\x{10FFFF}]");

    private static void element(XMLStreamWriter x, String name, String value) throws XMLStreamException {
        x.writeStartElement(name);
        x.writeCharacters(NOT_XML.matcher(value).replaceAll("?"));
        x.writeEndElement();
    }
}
