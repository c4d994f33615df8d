package dev.storesync.inventory;

import dev.storesync.kernel.ProblemException;
import java.util.List;
import java.util.function.ToLongFunction;

/** Keyset paging by id for the inventory lists: the cursor is the last id of the previous page. */
final class Cursors {

    private Cursors() {
    }

    /** 0 (from the start) when absent. */
    static long parse(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return 0;
        }
        try {
            return Long.parseLong(cursor);
        } catch (NumberFormatException e) {
            throw ProblemException.invalidField("cursor", "must be the nextCursor of a previous page");
        }
    }

    /** {@code rows} holds up to {@code size + 1} items: the extra one says there is a next page. */
    static <T> InventoryDtos.Page<T> page(List<T> rows, int size, ToLongFunction<T> id) {
        if (rows.size() <= size) {
            return new InventoryDtos.Page<>(rows, null);
        }
        List<T> items = rows.subList(0, size);
        return new InventoryDtos.Page<>(List.copyOf(items), Long.toString(id.applyAsLong(items.get(size - 1))));
    }
}
