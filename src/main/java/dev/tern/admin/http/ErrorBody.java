package dev.tern.admin.http;

/**
 * The body of every error answer: {@code {"error": {"code": "not_found", "message": "no such domain: x"}}}.
 *
 * @param error the code (stable, for programs) and the message (for people)
 */
public record ErrorBody(Detail error) {

    /** What went wrong. */
    public record Detail(String code, String message) {
    }

    static ErrorBody of(ApiException e) {
        return new ErrorBody(new Detail(e.code(), e.getMessage()));
    }
}
