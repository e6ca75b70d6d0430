package dev.tern.imap.protocol;

import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImapDatesTest {

    @Test
    void dateTimesKeepTheirZone() {
        OffsetDateTime t = ImapDates.parseDateTime("17-Jul-1996 02:44:25 -0700");
        assertThat(t).isEqualTo(OffsetDateTime.of(1996, 7, 17, 2, 44, 25, 0, ZoneOffset.ofHours(-7)));
        assertThat(ImapDates.formatDateTime(t)).isEqualTo("17-Jul-1996 02:44:25 -0700");
        assertThat(ImapDates.formatDateTime(ImapDates.parseDateTime(" 7-Feb-1994 21:52:25 +1800")))
                .isEqualTo(" 7-Feb-1994 21:52:25 +1800");
    }

    @Test
    void zonesBeyondEighteenHoursKeepTheMomentInUtc() {
        // zone = ("+" / "-") 4DIGIT allows them; the moment is what matters for INTERNALDATE and SEARCH.
        OffsetDateTime east = ImapDates.parseDateTime("17-Jul-1996 02:44:25 +2330");
        assertThat(east.toInstant()).isEqualTo(OffsetDateTime.of(1996, 7, 16, 3, 14, 25, 0, ZoneOffset.UTC).toInstant());
        assertThat(ImapDates.formatDateTime(east)).isEqualTo("16-Jul-1996 03:14:25 +0000");
        OffsetDateTime west = ImapDates.parseDateTime("17-Jul-1996 02:44:25 -9959");
        assertThat(west.toInstant()).isEqualTo(OffsetDateTime.of(1996, 7, 21, 6, 43, 25, 0, ZoneOffset.UTC).toInstant());
        // minutes past 59 are no zone at all
        assertThatThrownBy(() -> ImapDates.parseDateTime("17-Jul-1996 02:44:25 +2360"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ImapDates.parseDateTime("17-Jul-1996 02:44:25 +0060"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
