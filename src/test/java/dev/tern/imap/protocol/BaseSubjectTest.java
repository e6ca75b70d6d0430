package dev.tern.imap.protocol;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** RFC 5256 §2.1's steps, one by one and together. */
class BaseSubjectTest {

    @Test
    void replyAndForwardLeadersGo() {
        assertThat(BaseSubject.of("Re: lunch")).isEqualTo("lunch");
        assertThat(BaseSubject.of("RE:RE: re: lunch")).isEqualTo("lunch");
        assertThat(BaseSubject.of("Fwd: Fw: FW: lunch")).isEqualTo("lunch");
        assertThat(BaseSubject.of("Re[2]: lunch")).isEqualTo("lunch");
        assertThat(BaseSubject.of("re : lunch")).isEqualTo("lunch");
        assertThat(BaseSubject.of("[list] Re: [list] Re: lunch")).isEqualTo("lunch");
        assertThat(BaseSubject.of("Re:")).isEmpty();
    }

    @Test
    void wordsThatOnlyBeginLikeALeaderStay() {
        assertThat(BaseSubject.of("Report: Q3")).isEqualTo("Report: Q3");
        assertThat(BaseSubject.of("Fwding rules")).isEqualTo("Fwding rules");
        assertThat(BaseSubject.of("Reply")).isEqualTo("Reply");
    }

    @Test
    void aLeadingBlobGoesUnlessItIsAllThereIs() {
        assertThat(BaseSubject.of("[PATCH 2/3] fix the parser")).isEqualTo("fix the parser");
        assertThat(BaseSubject.of("[PATCH]")).isEqualTo("[PATCH]");
        assertThat(BaseSubject.of("[a][b] Re: [c] text")).isEqualTo("text");
    }

    @Test
    void trailersWrappersAndWhiteSpace() {
        assertThat(BaseSubject.of("lunch (fwd) (FWD)  ")).isEqualTo("lunch");
        assertThat(BaseSubject.of("[Fwd: Re: lunch]")).isEqualTo("lunch");
        assertThat(BaseSubject.of("[fwd: [fwd: lunch (fwd)]]")).isEqualTo("lunch");
        assertThat(BaseSubject.of("  lunch\t at \r\n noon ")).isEqualTo("lunch at noon");
        assertThat(BaseSubject.of("")).isEmpty();
    }
}
