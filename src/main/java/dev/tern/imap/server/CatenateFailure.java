package dev.tern.imap.server;

import dev.tern.imap.protocol.ResponseCode;

/**
 * Why a CATENATE APPEND (RFC 4469) cannot be done, found while its message was being put
 * together on the storage executor: a URL that names nothing this user may read here
 * ({@code NO [BADURL url]}), or a message that grew past the size limit ({@code NO [TOOBIG]}).
 * Carried out of the upload as its failure; the text is for the client and says nothing of the
 * store. No stack trace: it is an answer, not a bug.
 */
final class CatenateFailure extends RuntimeException {

    /** Longest URL repeated in a BADURL response code. */
    private static final int MAX_ECHO = 512;

    private final transient ResponseCode code;

    private CatenateFailure(ResponseCode code, String text) {
        super(text, null, false, false);
        this.code = code;
    }

    /**
     * {@code [BADURL url]}: RFC 4469 §5 (with its erratum 4046) gives the URL bare, as TEXT-CHARs
     * other than {@code ]}; anything else in it (a URL arrives as an astring) becomes {@code ?}.
     */
    static CatenateFailure badUrl(String url, String why) {
        StringBuilder echo = new StringBuilder();
        for (int i = 0; i < url.length() && i < MAX_ECHO; i++) {
            char c = url.charAt(i);
            echo.append(c > 0x20 && c < 0x7f && c != ']' ? c : '?');
        }
        if (echo.length() == 0) {
            echo.append('?');
        }
        return new CatenateFailure(new ResponseCode("BADURL", echo.toString()), "CATENATE: " + why);
    }

    static CatenateFailure tooBig(long limit) {
        return new CatenateFailure(ResponseCode.tooBig(),
                "the catenated message exceeds the limit of " + limit + " octets (APPENDLIMIT)");
    }

    ResponseCode code() {
        return code;
    }
}
