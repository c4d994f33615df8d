package dev.storesync.shipments;

import dev.storesync.kernel.Problem;
import dev.storesync.kernel.ProblemException;
import dev.storesync.shipments.sync.FulfillmentCanceller;
import dev.storesync.shipments.sync.FulfillmentOrderReader;
import dev.storesync.shipments.sync.FulfillmentPlan;
import dev.storesync.shipments.sync.ShipmentSyncWorker;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Cancelling a shipment ("未発送に戻す") and manual sync retries. */
@ApplicationScoped
public class ShipmentActions {

    private final ShipmentRepository shipments;
    private final FulfillmentCanceller canceller;
    private final FulfillmentOrderReader reader;
    private final ShipmentQueries queries;
    private final ShipmentSyncWorker worker;

    public ShipmentActions(ShipmentRepository shipments, FulfillmentCanceller canceller, FulfillmentOrderReader reader,
            ShipmentQueries queries, ShipmentSyncWorker worker) {
        this.shipments = shipments;
        this.canceller = canceller;
        this.reader = reader;
        this.queries = queries;
        this.worker = worker;
    }

    /**
     * Cancels the shipment's Shopify fulfillments first (if it synced), then the shipment itself,
     * which releases its quantities. Whether a fulfillment is cancelled is decided from its status
     * in Shopify; if Shopify refuses, nothing changes here (502 with Shopify's reason). The
     * shipment is cancelled only if its fulfillments are still the ones just cancelled: a sync that
     * recorded another meanwhile makes this cancel that one too. A worker still creating when the
     * cancel lands undoes its fulfillment itself (see FulfillmentSync). Cancelling twice is a
     * no-op, except that it retries a fulfillment left live by such an undo.
     */
    public Uni<ShipmentDtos.View> cancel(long id, Optional<Long> callerVendor) {
        return queries.show(id, callerVendor).chain(view -> cancel(id, view.shop(), 0)
                .chain(() -> queries.show(id, callerVendor)));
    }

    private Uni<Void> cancel(long id, String shop, int round) {
        return shipments.cancelSubject(id).chain(found -> {
            ShipmentRepository.CancelSubject subject = found.orElseThrow(() -> ProblemException.notFound("No shipment with id " + id));
            if ("cancelled".equals(subject.status())) {
                return ShipmentRepository.LIVE_AFTER_CANCEL.equals(subject.lastErrorCode())
                        ? cancelInShopify(shop, subject.fulfillmentIds()).chain(() -> shipments.clearLiveAfterCancel(id))
                        : Uni.createFrom().voidItem();
            }
            return toCancel(shop, subject)
                    .chain(fulfillments -> cancelInShopify(shop, fulfillments))
                    .chain(() -> shipments.cancel(id, subject.fulfillmentIds()))
                    .chain(cancelled -> {
                        if (cancelled) {
                            Log.infof("Shipment %d cancelled", id);
                            return Uni.createFrom().voidItem();
                        }
                        if (round + 1 >= MAX_CANCEL_ROUNDS) {
                            throw ProblemException.conflict("Shipment " + id + " kept changing while it was being "
                                    + "cancelled (its sync is recording fulfillments); try again.");
                        }
                        return cancel(id, shop, round + 1);
                    });
        });
    }

    /**
     * The fulfillments to cancel in Shopify: the recorded ones, and after a create whose answer was
     * lost, also those Shopify has with the tracking number that no other shipment recorded, since
     * that create is on record nowhere else.
     */
    private Uni<List<String>> toCancel(String shop, ShipmentRepository.CancelSubject subject) {
        if (!subject.createUnconfirmed()) {
            return Uni.createFrom().item(subject.fulfillmentIds());
        }
        return reader.read(shop, subject.orderGid()).map(read -> {
            if (read instanceof FulfillmentOrderReader.Failed failed) {
                throw new ProblemException(Problem.of(502, "shopify-cancel-failed", "Shopify could not be checked",
                        "StoreSync could not check Shopify for fulfillments of this shipment: " + failed.result().message().en()
                                + " / " + failed.result().message().ja()));
            }
            JsonObject order = ((FulfillmentOrderReader.Order) read).order();
            Set<String> all = new LinkedHashSet<>(subject.fulfillmentIds());
            if (order != null) {
                all.addAll(FulfillmentPlan.liveCarrying(order.getJsonObject("fulfillmentOrders", new JsonObject())
                        .getJsonArray("nodes", new JsonArray()), subject.trackingNumber(),
                        subject.fulfillmentsOfOtherShipments()));
            }
            return List.copyOf(all);
        });
    }

    /** Rounds of cancel-then-check before a shipment whose fulfillments keep changing is left to a later request. */
    private static final int MAX_CANCEL_ROUNDS = 3;

    /** Tries every fulfillment, then answers 502 naming those Shopify kept (cancelling again is safe). */
    private Uni<Void> cancelInShopify(String shop, List<String> fulfillmentIds) {
        return Multi.createFrom().iterable(fulfillmentIds)
                .onItem().transformToUniAndConcatenate(f -> canceller.cancel(shop, f)
                        .map(outcome -> outcome instanceof FulfillmentCanceller.Refused refused
                                ? f + ": " + refused.message().en() + " / " + refused.message().ja() : null))
                .filter(refusal -> refusal != null).collect().asList()
                .invoke(refusals -> {
                    if (!refusals.isEmpty()) {
                        throw new ProblemException(Problem.of(502, "shopify-cancel-failed",
                                "Shopify did not cancel the fulfillment", String.join("; ", refusals)));
                    }
                }).replaceWithVoid();
    }

    /** Requeues one shipment whose sync failed or is waiting: it is attempted at once with a fresh schedule. */
    public Uni<ShipmentDtos.View> retry(long id) {
        return shipments.requeue(id).chain(requeued -> {
            if (!requeued) {
                return queries.show(id, Optional.empty()).invoke(v -> {
                    throw ProblemException.conflict("Shipment " + id + " is " + v.status() + "/" + v.syncStatus()
                            + "; only failed or pending shipments can be retried.");
                });
            }
            worker.wake();
            return queries.show(id, Optional.empty());
        });
    }

    /** Requeues every failed shipment of a vendor and/or an order. */
    public Uni<ShipmentDtos.BulkRetryResult> retryFailed(Long vendorId, Long orderId) {
        if (vendorId == null && orderId == null) {
            throw ProblemException.invalidField("vendorId", "give vendorId, orderId or both");
        }
        return shipments.requeueFailed(vendorId, orderId).map(count -> {
            if (count > 0) {
                worker.wake();
            }
            return new ShipmentDtos.BulkRetryResult(count);
        });
    }
}
