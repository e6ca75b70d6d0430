package dev.tern.delivery.tlsrpt;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TlsRptRecordTest {

    @Test
    void mailtoAndHttpsUrisAreReadFromTheOneRecord() {
        TlsRptRecord r = TlsRptRecord.parse(List.of("v=spf1 -all",
                "v=TLSRPTv1; rua=mailto:tlsrpt@example.com, https://reports.example.com/v1/tlsrpt ,mailto:other%2Btag@example.net;"));
        assertThat(r.mailto()).extracting(Object::toString).containsExactly("tlsrpt@example.com", "other+tag@example.net");
        assertThat(r.https()).containsExactly("https://reports.example.com/v1/tlsrpt");
    }

    @Test
    void atMostFiveAddressesOfEachKindAreUsed() {
        StringBuilder rua = new StringBuilder("v=TLSRPTv1; rua=");
        for (int i = 0; i < 40; i++) {
            rua.append(i == 0 ? "" : ",").append("mailto:victim").append(i).append("@example.com,https://h").append(i)
                    .append(".example.com/r");
        }
        TlsRptRecord r = TlsRptRecord.parse(List.of(rua.toString()));
        assertThat(r.mailto()).hasSize(TlsRptRecord.MAX_URIS);
        assertThat(r.https()).hasSize(TlsRptRecord.MAX_URIS);
    }

    @Test
    void extensionsAndQueriesAreIgnored() {
        TlsRptRecord r = TlsRptRecord.parse(List.of("v=TLSRPTv1;ext=1; rua=mailto:a@example.com?subject=x"));
        assertThat(r.mailto()).extracting(Object::toString).containsExactly("a@example.com");
    }

    @Test
    void noRecordTwoRecordsOrNoUsableUriMeanNoReports() {
        assertThat(TlsRptRecord.parse(List.of())).isNull();
        assertThat(TlsRptRecord.parse(List.of("v=TLSRPTv1; rua=mailto:a@example.com",
                "v=TLSRPTv1; rua=mailto:b@example.com"))).as("RFC 8460 §3: not exactly one").isNull();
        assertThat(TlsRptRecord.parse(List.of("v=TLSRPTv1"))).isNull();
        assertThat(TlsRptRecord.parse(List.of("v=TLSRPTv1; rua=ftp://example.com/x,mailto:not an address"))).isNull();
        assertThat(TlsRptRecord.parse(List.of("v=TLSRPTv10; rua=mailto:a@example.com"))).isNull();
        assertThat(TlsRptRecord.parse(List.of("v=TLSRPTv2; rua=mailto:a@example.com"))).isNull();
    }
}
