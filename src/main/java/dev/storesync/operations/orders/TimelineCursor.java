package dev.storesync.operations.orders;

import dev.storesync.kernel.ProblemException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A keyset position in an order's timeline: the last entry shown, as {@code ev:<micros>.<id>} in
 * base 36. Unlike an offset, it stays exact while new events are appended at the top.
 */
record TimelineCursor(Instant ts, long id) {

    String encode() {
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, ts);
        return "ev:" + Long.toString(micros, 36) + "." + Long.toString(id, 36);
    }

    static TimelineCursor parse(String raw) {
        if (raw.matches("^ev:-?[0-9a-z]{1,13}\\.[0-9a-z]{1,13}$")) {
            int dot = raw.indexOf('.');
            try {
                long micros = Long.parseLong(raw.substring(3, dot), 36);
                long id = Long.parseLong(raw.substring(dot + 1), 36);
                return new TimelineCursor(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), id);
            } catch (NumberFormatException | ArithmeticException | java.time.DateTimeException e) {
                // falls through to the 422
            }
        }
        throw ProblemException.invalidField("cursor", "must be a timeline cursor (ev:…) as nextCursor gave it");
    }
}
