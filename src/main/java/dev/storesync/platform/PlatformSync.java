package dev.storesync.platform;

import dev.storesync.kernel.ProblemException;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Runs of the platform sync: orders updated since the run's {@code since}, read with a moving cursor;
 * for each order of a page (up to {@code concurrency} at once) its POs are fetched, then the order and
 * its POs are stored together. A page that cannot be read (malformed, or failing past its retries)
 * fails the run there and nothing of it is stored; the watermark does not move, so the next run reads
 * it again. An order whose POs cannot be read is counted as an error and left as it was (the run ends
 * {@code partial}).
 *
 * <p>Why a cursor and not page numbers: the platform sorts oldest change first, so an order changed
 * during a run moves to the end and shifts the next order onto a page already read. Each request
 * therefore asks again from the {@code updated_at} of the last order read (page 1), skipping the
 * orders at exactly that instant it already read; only a whole page sharing one instant moves on by
 * page number.
 */
@ApplicationScoped
public class PlatformSync {

    /** Where each fetched order ended: exactly one of these per order. */
    private enum Outcome {
        UPSERTED, UNCHANGED, EXCLUDED, ERROR
    }

    private record Result(Outcome outcome, String error) {
    }

    private final PlatformClient client;
    private final ApprovalFilter filter;
    private final PlatformOrderStore store;
    private final PlatformSyncRuns runs;
    private final PlatformConfig config;

    PlatformSync(PlatformClient client, ApprovalFilter filter, PlatformOrderStore store, PlatformSyncRuns runs,
            PlatformConfig config) {
        this.client = client;
        this.filter = filter;
        this.store = store;
        this.runs = runs;
        this.config = config;
    }

    /** Starts a run in the background and answers at once; during a run, answers the running run. */
    public Uni<PlatformDtos.SyncAccepted> start(String trigger, Instant since, boolean fullResync) {
        if (!client.configured()) {
            return Uni.createFrom().failure(ProblemException.conflict(
                    "The order platform is not configured: set storesync.platform.base-url (STORESYNC_PLATFORM_BASE_URL)"));
        }
        return runs.start(trigger, since, fullResync, config.runLease(), config.initialCutoff()).map(start -> {
            if (start.started()) {
                Log.infof("Platform sync run %d started (%s, orders updated since %s%s)", start.runId(), trigger,
                        start.since(), fullResync ? ", full resync" : "");
                // Detached on purpose: the trigger is answered now, the run records its own end.
                run(start.runId(), start.since()).subscribe().with(ignored -> { },
                        e -> Log.errorf(e, "Platform sync run %d could not record its end", start.runId()));
            }
            return new PlatformDtos.SyncAccepted(start.runId(), !start.started(), start.since());
        });
    }

    /** Where the next request reads from: orders updated at or after {@code since}, page {@code page}. */
    private record Cursor(Instant since, int page, Set<String> readAtSince) {
    }

    private Uni<Void> run(long runId, Instant since) {
        long started = System.nanoTime();
        return page(runId, new Cursor(since, 1, Set.of()))
                .map(ignored -> (String) null)
                .onFailure().recoverWithItem(e -> {
                    String message = e instanceof PlatformClient.PlatformException ? e.getMessage()
                            : "unexpected error; see the service log";
                    if (!(e instanceof PlatformClient.PlatformException)) {
                        Log.errorf(e, "Platform sync run %d failed unexpectedly", runId);
                    }
                    return message;
                })
                .chain(failure -> (failure == null ? Uni.createFrom().voidItem()
                        : runs.add(runId, new PlatformSyncRuns.Counts(0, 0, 0, 0, 1), null, null))
                        .chain(() -> runs.finish(runId, failure, config.syncOverlap()))
                        .invoke(outcome -> Log.infof("Platform sync run %d %s in %d ms%s", runId, outcome,
                                (System.nanoTime() - started) / 1_000_000, failure == null ? "" : ": " + failure)))
                .replaceWithVoid();
    }

    private Uni<Void> page(long runId, Cursor cursor) {
        return client.orders(cursor.since(), cursor.page()).chain(page -> {
            List<PlatformShapes.Order> fresh = page.orders().stream()
                    .filter(o -> !(o.updatedAt() != null && o.updatedAt().equals(cursor.since())
                            && cursor.readAtSince().contains(o.id())))
                    .toList();
            Instant newest = page.orders().stream().map(PlatformShapes.Order::updatedAt).filter(t -> t != null)
                    .max(Instant::compareTo).orElse(null);
            return Multi.createFrom().iterable(fresh)
                    .onItem().transformToUni(order -> syncOrder(order)
                            .call(() -> runs.beat(runId).onFailure().recoverWithNull()))
                    .merge(Math.max(config.concurrency(), 1))
                    .collect().asList()
                    .chain(results -> runs.add(runId, counts(results), firstError(results), newest))
                    .chain(() -> page.isLast() ? Uni.createFrom().voidItem() : page(runId, next(cursor, page)));
        });
    }

    private static Cursor next(Cursor cursor, PlatformShapes.OrdersPage page) {
        Instant last = page.orders().get(page.orders().size() - 1).updatedAt();
        if (last == null || last.equals(cursor.since())) {
            Set<String> read = new HashSet<>(cursor.readAtSince());
            page.orders().forEach(o -> read.add(o.id()));
            return new Cursor(cursor.since(), cursor.page() + 1, read);
        }
        Set<String> atLast = new HashSet<>();
        page.orders().stream().filter(o -> last.equals(o.updatedAt())).forEach(o -> atLast.add(o.id()));
        return new Cursor(last, 1, atLast);
    }

    private Uni<Result> syncOrder(PlatformShapes.Order order) {
        boolean excluded = !filter.includes(order.approval());
        Uni<List<PlatformOrderStore.Po>> pos = excluded ? Uni.createFrom().item(List.of())
                : client.purchaseOrders(order.id()).map(list -> normalised(order, list));
        return pos.chain(list -> store.store(new PlatformOrderStore.Incoming(order, excluded, list)))
                .map(written -> {
                    if (excluded) {
                        return new Result(Outcome.EXCLUDED, null);
                    }
                    return new Result(written == PlatformOrderStore.Written.UNCHANGED ? Outcome.UNCHANGED : Outcome.UPSERTED,
                            null);
                })
                .onFailure().recoverWithItem(e -> {
                    String message = e instanceof PlatformClient.PlatformException || e instanceof InvalidPo
                            ? e.getMessage() : "unexpected error storing order " + order.orderNumber() + "; see the service log";
                    if (message.startsWith("unexpected")) {
                        Log.warnf(e, "Platform order %s could not be stored", order.orderNumber());
                    } else {
                        Log.warnf("Platform order %s not synced: %s", order.orderNumber(), message);
                    }
                    return new Result(Outcome.ERROR, message);
                });
    }

    private static List<PlatformOrderStore.Po> normalised(PlatformShapes.Order order, List<PlatformShapes.PurchaseOrder> list) {
        List<PlatformOrderStore.Po> out = new ArrayList<>(list.size());
        for (PlatformShapes.PurchaseOrder po : list) {
            Optional<String> number = PoNumbers.normalize(po.poNumber());
            if (number.isEmpty() || number.get().length() > 100) {
                throw new InvalidPo("order " + order.orderNumber() + ": PO number '" + po.poNumber() + "' is not usable");
            }
            out.add(new PlatformOrderStore.Po(number.get(), po));
        }
        return out;
    }

    private static PlatformSyncRuns.Counts counts(List<Result> results) {
        int[] n = new int[Outcome.values().length];
        results.forEach(r -> n[r.outcome().ordinal()]++);
        return new PlatformSyncRuns.Counts(results.size(), n[Outcome.UPSERTED.ordinal()], n[Outcome.UNCHANGED.ordinal()],
                n[Outcome.EXCLUDED.ordinal()], n[Outcome.ERROR.ordinal()]);
    }

    private static String firstError(List<Result> results) {
        return results.stream().map(Result::error).filter(e -> e != null).findFirst().orElse(null);
    }

    /** A PO whose number normalises to nothing: the order is not stored rather than stored without it. */
    static final class InvalidPo extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidPo(String message) {
            super(message, null, false, false);
        }
    }
}
