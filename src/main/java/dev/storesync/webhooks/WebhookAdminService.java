package dev.storesync.webhooks;

import dev.storesync.kernel.ProblemException;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * Inspection and replay of inbox rows. Each operation is one statement, so it is its own
 * transaction; replays wake the dispatcher.
 */
@ApplicationScoped
public class WebhookAdminService {

    private static final Set<String> STATES = Set.of("available", "running", "retryable", "completed", "discarded",
            "ignored");
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 200;

    private final InboxRepository inbox;
    private final ComplianceRepository audit;
    private final WebhookDispatcher dispatcher;

    public WebhookAdminService(InboxRepository inbox, ComplianceRepository audit, WebhookDispatcher dispatcher) {
        this.inbox = inbox;
        this.audit = audit;
        this.dispatcher = dispatcher;
    }

    public Uni<InboxDtos.Page<InboxDtos.Summary>> list(String state, String topic, String shop, Integer limit,
            String cursor) {
        if (state != null && !STATES.contains(state)) {
            throw ProblemException.invalidField("state", "must be one of " + String.join(", ", STATES.stream().sorted().toList()));
        }
        int size = limit(limit);
        return inbox.list(state, blankToNull(topic), shop(shop), cursor(cursor), size + 1)
                .map(rows -> page(rows, size, InboxDtos.Summary::id));
    }

    public Uni<InboxDtos.Detail> get(long id) {
        return inbox.find(id).onItem().ifNull().failWith(() -> notFound(id));
    }

    /** Makes one row available again, attempts reset; 409 while it is running. */
    public Uni<InboxDtos.Detail> replay(long id) {
        return inbox.replay(id).chain(replayed -> inbox.find(id).map(row -> {
            if (row == null) {
                throw notFound(id);
            }
            if (!replayed) {
                throw ProblemException.conflict("Inbox row " + id + " is running; replay it after it finishes.");
            }
            Log.infof("Webhook %s (inbox row %d) replayed by an admin", row.summary().webhookId(), id);
            dispatcher.nudge();
            return row;
        }));
    }

    /** Replays every row matching the filter; returns how many. */
    public Uni<InboxDtos.ReplayResult> replay(InboxDtos.ReplayFilter filter) {
        return inbox.replayMatching(filter.state(), blankToNull(filter.topic()), shop(filter.shop())).map(count -> {
            Log.infof("%d webhook inbox row(s) replayed by an admin (state %s, topic %s, shop %s)", count,
                    filter.state(), filter.topic(), filter.shop());
            if (count > 0) {
                dispatcher.nudge();
            }
            return new InboxDtos.ReplayResult(count);
        });
    }

    public Uni<InboxDtos.Page<InboxDtos.ComplianceRecord>> complianceRequests(String shop, Integer limit,
            String cursor) {
        int size = limit(limit);
        return audit.list(shop(shop), cursor(cursor), size + 1)
                .map(rows -> page(rows, size, InboxDtos.ComplianceRecord::id));
    }

    /** The first {@code size} rows, and a cursor when one more was fetched. */
    private static <T> InboxDtos.Page<T> page(List<T> rows, int size, ToLongFunction<T> id) {
        if (rows.size() <= size) {
            return new InboxDtos.Page<>(rows, null);
        }
        List<T> items = rows.subList(0, size);
        return new InboxDtos.Page<>(List.copyOf(items), String.valueOf(id.applyAsLong(items.get(size - 1))));
    }

    private static int limit(Integer limit) {
        if (limit == null) {
            return DEFAULT_LIMIT;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ProblemException.invalidField("limit", "must be between 1 and " + MAX_LIMIT);
        }
        return limit;
    }

    private static Long cursor(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            return Long.valueOf(cursor.trim());
        } catch (NumberFormatException e) {
            throw ProblemException.invalidField("cursor", "must be a nextCursor value from an earlier page");
        }
    }

    private static String shop(String shop) {
        return shop == null || shop.isBlank() ? null : shop.trim().toLowerCase(Locale.ROOT);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static ProblemException notFound(long id) {
        return ProblemException.notFound("No webhook inbox row with id " + id);
    }
}
