package dev.storesync.kernel;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

/**
 * A JSON string value holding U+0000. PostgreSQL text cannot store it, so it is refused while the
 * body is read; Jackson adds the JSON path of the value on its way out, and {@link ProblemMappers}
 * answers 422 naming that field.
 */
public class NulCharacterException extends MismatchedInputException {

    private static final long serialVersionUID = 1L;

    NulCharacterException(JsonParser parser) {
        super(parser, "A string value contains a NUL (U+0000) character.", String.class);
    }
}
