package dev.storesync.kernel;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * An RFC 9457 problem document, the body of every error response.
 *
 * @param type   URI naming the kind of problem
 * @param title  short, stable summary of the kind
 * @param status the HTTP status
 * @param detail what went wrong with this request, for a human
 * @param errors field-level messages (validation problems only)
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_BASE = "https://storesync.dev/problems/";

    /** One offending field (a JSON path such as {@code lines[2].quantity}) and what is wrong with it. */
    @RegisterForReflection
    public record FieldError(String field, String message) {
    }

    public static Problem of(int status, String slug, String title, String detail) {
        return new Problem(TYPE_BASE + slug, title, status, detail, List.of());
    }

    public Problem withErrors(List<FieldError> fieldErrors) {
        return new Problem(type, title, status, detail, List.copyOf(fieldErrors));
    }
}
