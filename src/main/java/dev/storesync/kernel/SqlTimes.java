package dev.storesync.kernel;

import io.vertx.mutiny.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Instants to and from {@code timestamptz} for the reactive SQL client, nulls passing through. */
public final class SqlTimes {

    private SqlTimes() {
    }

    /** The {@code timestamptz} column as an Instant, or null. */
    public static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }

    /** An Instant as a query parameter for a {@code timestamptz}, or null. */
    public static OffsetDateTime timestamptz(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
