package dev.storesync.shipments.sync;

import dev.storesync.shipments.FulfillmentConfig;
import dev.storesync.shipments.ShipmentRepository;
import dev.storesync.shipments.ShipmentRepository.Claim;
import dev.storesync.shipments.ShipmentRepository.Outcome;
import dev.storesync.shipments.ShipmentRepository.SyncSubject;
import dev.storesync.shopify.client.OperatorMessage;
import dev.storesync.shopify.client.ShopifyAdminClient;
import dev.storesync.shopify.client.ShopifyResult;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Syncs one claimed shipment, in these steps: load it; stop if its order was cancelled; read the
 * order's fulfillment orders (all pages); plan (see {@link FulfillmentPlan}); then adopt, create,
 * wait or fail, and record the attempt. fulfillmentCreate is never resent blindly: after an unclear
 * answer the next attempt re-reads Shopify and adopts the fulfillments that carry the tracking
 * number. Waiting for a fulfillable FO and transient failures have separate counters and limits.
 */
@ApplicationScoped
public class FulfillmentSync {

    private final ShipmentRepository shipments;
    private final FulfillmentOrderReader reader;
    private final FulfillmentCanceller canceller;
    private final ShopifyAdminClient shopify;
    private final FulfillmentConfig config;
    private final RetrySchedule waitSchedule;
    private final RetrySchedule transientSchedule;

    public FulfillmentSync(ShipmentRepository shipments, FulfillmentOrderReader reader, FulfillmentCanceller canceller,
            ShopifyAdminClient shopify, FulfillmentConfig config) {
        this.shipments = shipments;
        this.reader = reader;
        this.canceller = canceller;
        this.shopify = shopify;
        this.config = config;
        this.waitSchedule = new RetrySchedule(config.retryBase(), config.retryCap());
        this.transientSchedule = new RetrySchedule(config.transientRetryBase(), config.transientRetryCap());
    }

    /** One attempt: the claimed shipment as loaded, and the Shopify fulfillments it created so far. */
    private record Attempt(Claim claim, SyncSubject shipment, List<String> created) {
        Attempt(Claim claim, SyncSubject shipment) {
            this(claim, shipment, new ArrayList<>());
        }
    }

    public Uni<Void> sync(Claim claim) {
        return shipments.subject(claim).chain(shipment -> {
            if (shipment == null) {
                return Uni.createFrom().voidItem();
            }
            Attempt attempt = new Attempt(claim, shipment);
            if (shipment.orderCancelled()) {
                return stopForCancelledOrder(attempt);
            }
            return reader.read(shipment.shop(), shipment.orderGid()).chain(read -> {
                if (read instanceof FulfillmentOrderReader.Failed f) {
                    return unsuccessful(attempt, f.result());
                }
                JsonObject order = ((FulfillmentOrderReader.Order) read).order();
                if (order == null) {
                    return fail(attempt, "order_not_found", "Shopify has no such order any more (deleted?).",
                            "Shopifyにこの注文が存在しません（削除された可能性があります）。");
                }
                return order.getValue("cancelledAt") != null ? stopForCancelledOrder(attempt)
                        : act(attempt, plan(shipment, order));
            });
        });
    }

    private static FulfillmentPlan plan(SyncSubject shipment, JsonObject order) {
        JsonArray fos = order.getJsonObject("fulfillmentOrders", new JsonObject()).getJsonArray("nodes", new JsonArray());
        List<FulfillmentPlan.ShipmentLine> lines = shipment.lines().stream()
                .map(l -> new FulfillmentPlan.ShipmentLine(l.lineItemGid(), l.title(), l.quantity())).toList();
        return FulfillmentPlan.of(fos, lines, shipment.trackingNumber(), shipment.fulfillmentsOfOtherShipments());
    }

    private Uni<Void> act(Attempt attempt, FulfillmentPlan plan) {
        if (plan instanceof FulfillmentPlan.Adopt a) {
            return synced(attempt, a.fulfillmentIds(), a.fulfillmentOrderIds(), "adopted");
        }
        if (plan instanceof FulfillmentPlan.Waiting w) {
            return waitForShopify(attempt, w.code(), w.en(), w.ja());
        }
        if (plan instanceof FulfillmentPlan.Impossible i) {
            return fail(attempt, i.code(), i.en(), i.ja());
        }
        FulfillmentPlan.Ready r = (FulfillmentPlan.Ready) plan;
        return create(attempt, r.creates(), 0, new ArrayList<>(r.adoptedFulfillmentIds()),
                new ArrayList<>(r.adoptedFulfillmentOrderIds()));
    }

    private Uni<Void> create(Attempt attempt, List<FulfillmentPlan.Create> creates, int index, List<String> fulfillments,
            List<String> fos) {
        if (index == creates.size()) {
            return synced(attempt, fulfillments, fos, "synced");
        }
        FulfillmentPlan.Create create = creates.get(index);
        return shipments.renewClaim(attempt.claim(), config.lease()).chain(held -> {
            if (!held) {
                return lostBeforeCreate(attempt);
            }
            return shopify.mutateOnce(attempt.shipment().shop(), "FulfillmentCreate",
                    Map.of("fulfillment", input(attempt.shipment(), create).getMap())).chain(result -> {
                        if (!(result instanceof ShopifyResult.Success s)) {
                            // A passing failure of a create that was sent may have created it all the same.
                            Uni<Void> unclear = result.retryable() ? shipments.markCreateUnconfirmed(attempt.claim())
                                    : Uni.createFrom().voidItem();
                            return unclear.chain(() -> attempt.created().isEmpty() ? unsuccessful(attempt, result)
                                    : afterPartialCreate(attempt, result));
                        }
                        String id = createdId(s);
                        if (id == null) {
                            // It may exist all the same: the next attempt re-reads and adopts it.
                            return shipments.markCreateUnconfirmed(attempt.claim()).chain(() -> transientRetry(attempt,
                                    new ShopifyResult.Transient(attempt.shipment().shop(), ShopifyResult.Cause.UNCLEAR_ANSWER)));
                        }
                        attempt.created().add(id);
                        fulfillments.add(id);
                        fos.addAll(create.linesByFulfillmentOrder().keySet());
                        return shipments.recordCreated(attempt.claim(), id).chain(recorded -> recorded
                                ? create(attempt, creates, index + 1, fulfillments, fos)
                                : undoIfCancelled(attempt));
                    });
        });
    }

    private static String createdId(ShopifyResult.Success success) {
        JsonObject payload = success.data().getJsonObject("fulfillmentCreate");
        JsonObject fulfillment = payload == null ? null : payload.getJsonObject("fulfillment");
        return fulfillment == null ? null : fulfillment.getString("id");
    }

    private static JsonObject input(SyncSubject shipment, FulfillmentPlan.Create create) {
        JsonArray byFo = new JsonArray();
        create.linesByFulfillmentOrder().forEach((foId, lines) -> {
            JsonArray foLines = new JsonArray();
            lines.forEach(l -> foLines.add(new JsonObject().put("id", l.foLineItemId()).put("quantity", l.quantity())));
            byFo.add(new JsonObject().put("fulfillmentOrderId", foId).put("fulfillmentOrderLineItems", foLines));
        });
        JsonObject input = new JsonObject().put("notifyCustomer", shipment.notifyCustomer())
                .put("lineItemsByFulfillmentOrder", byFo);
        // Without a number (a dashboard "mark fulfilled") the fulfillment carries no tracking at all.
        if (shipment.trackingNumber() == null) {
            return input;
        }
        JsonObject tracking = new JsonObject().put("number", shipment.trackingNumber());
        if (shipment.trackingCompany() != null) {
            tracking.put("company", shipment.trackingCompany());
        }
        if (shipment.trackingUrl() != null) {
            tracking.put("url", shipment.trackingUrl());
        }
        return input.put("trackingInfo", tracking);
    }

    /**
     * The claim or the order went away before a create. Fulfillments this attempt already created
     * are not lost: if the shipment was cancelled they are undone, otherwise the next attempt
     * (or the new claim holder) re-reads Shopify and adopts them.
     */
    private Uni<Void> lostBeforeCreate(Attempt attempt) {
        Log.infof("Shipment %d: claim lost, shipment cancelled or order cancelled before creating; leaving it",
                attempt.shipment().id());
        return attempt.created().isEmpty() ? Uni.createFrom().voidItem() : undoIfCancelled(attempt);
    }

    /**
     * A later create failed after earlier ones succeeded (and were recorded): a passing failure is
     * retried and the next attempt adopts what exists; anything else needs an operator.
     */
    private Uni<Void> afterPartialCreate(Attempt attempt, ShopifyResult result) {
        Log.infof("Shipment %d: created %s, then %s", attempt.shipment().id(), attempt.created(), result.message().en());
        return result.retryable() ? transientRetry(attempt, result) : unsuccessful(attempt, result);
    }

    private Uni<Void> unsuccessful(Attempt attempt, ShopifyResult result) {
        if (result instanceof ShopifyResult.ShopUnavailable) {
            // The shop was paused or uninstalled: it is not claimed until it is active again, so no attempt is used up.
            SyncSubject s = attempt.shipment();
            return retry(attempt, s.waits(), s.transientFailures(), waitSchedule.delayAfter(s.waits() + 1),
                    new Outcome("waiting", "shop_unavailable", result.message().en(), result.message().ja()));
        }
        if (result.retryable()) {
            return transientRetry(attempt, result);
        }
        String code = result instanceof ShopifyResult.Unauthorized ? "shopify_unauthorized"
                : result instanceof ShopifyResult.Forbidden ? "shopify_missing_scope"
                : result instanceof ShopifyResult.NotFound ? "shopify_not_found"
                : result instanceof ShopifyResult.UserErrors ? "shopify_user_error"
                : "shopify_rejected";
        return fail(attempt, code, result.message().en(), result.message().ja());
    }

    private Uni<Void> transientRetry(Attempt attempt, ShopifyResult result) {
        SyncSubject s = attempt.shipment();
        int failures = s.transientFailures() + 1;
        if (failures >= config.transientMaxAttempts()) {
            return fail(attempt, "shopify_unavailable_gave_up", result.message().en() + " Gave up after " + failures
                    + " failed attempts in a row; retry the shipment once Shopify answers again.",
                    result.message().ja() + " " + failures + " 回続けて失敗したため中止しました。Shopifyが応答するようになったら再試行してください。");
        }
        return retry(attempt, s.waits(), failures, transientSchedule.delayAfter(failures),
                new Outcome("retrying", "transient", result.message().en(), result.message().ja()));
    }

    private Uni<Void> waitForShopify(Attempt attempt, String code, String en, String ja) {
        SyncSubject s = attempt.shipment();
        int waits = s.waits() + 1;
        boolean tooOld = s.createdAt().plus(config.maxAge()).isBefore(Instant.now());
        if (waits >= config.maxAttempts() || tooOld) {
            return fail(attempt, code + "_gave_up", en + " Gave up after " + waits + " attempts; check the order's FO "
                    + "diagnostics in Shopify, then retry the shipment.",
                    ja + " " + waits + " 回試行したため中止しました。Shopifyでフルフィルメントオーダーを確認し、再試行してください。");
        }
        // Shopify answered: a run of transient failures before this is over.
        return retry(attempt, waits, 0, waitSchedule.delayAfter(waits), new Outcome("waiting", code, en, ja));
    }

    private Uni<Void> retry(Attempt attempt, int waits, int transientFailures, Duration delay, Outcome outcome) {
        return shipments.retryLater(attempt.claim(), waits, transientFailures, delay, outcome).invoke(next -> {
            if (next != null) {
                Log.infof("Shipment %d: %s; next attempt at %s", attempt.shipment().id(), outcome.code(), next);
            }
        }).replaceWithVoid();
    }

    private Uni<Void> synced(Attempt attempt, List<String> fulfillments, List<String> fos, String outcome) {
        String ids = String.join(", ", fulfillments);
        return shipments.markSynced(attempt.claim(), fulfillments, new LinkedHashSet<>(fos),
                new Outcome(outcome, null, "Fulfillment " + ids + " in Shopify.", "Shopifyのフルフィルメント " + ids + "。"))
                .chain(applied -> {
                    if (applied) {
                        Log.infof("Shipment %d %s: %s", attempt.shipment().id(), outcome, fulfillments);
                        return Uni.createFrom().voidItem();
                    }
                    return attempt.created().isEmpty() ? Uni.createFrom().voidItem() : undoIfCancelled(attempt);
                });
    }

    /**
     * The shipment was cancelled while this attempt created fulfillments: cancel them in Shopify so
     * it matches, and record the result; one that Shopify keeps is shown on the shipment for an
     * operator. When the shipment was not cancelled, another worker holds it and adopts them.
     */
    private Uni<Void> undoIfCancelled(Attempt attempt) {
        long id = attempt.shipment().id();
        return shipments.isCancelled(id).chain(cancelled -> {
            if (!cancelled) {
                return Uni.createFrom().voidItem();
            }
            Log.infof("Shipment %d was cancelled during its sync; cancelling %s in Shopify", id, attempt.created());
            return Multi.createFrom().iterable(attempt.created())
                    .onItem().transformToUniAndConcatenate(f -> canceller.cancel(attempt.shipment().shop(), f)
                            .onFailure().recoverWithItem(e -> {
                                Log.warnf(e, "Shipment %d: cancelling %s failed unexpectedly", id, f);
                                return new FulfillmentCanceller.Refused(new OperatorMessage(
                                        "StoreSync could not ask Shopify to cancel it.",
                                        "Shopifyにキャンセルを依頼できませんでした。"));
                            })
                            .map(outcome -> new Undo(f, outcome)))
                    .collect().asList()
                    .chain(undos -> {
                        List<String> live = undos.stream().filter(u -> u.outcome() instanceof FulfillmentCanceller.Refused)
                                .map(Undo::fulfillmentId).toList();
                        String reasons = String.join("; ", undos.stream()
                                .filter(u -> u.outcome() instanceof FulfillmentCanceller.Refused)
                                .map(u -> u.fulfillmentId() + ": " + ((FulfillmentCanceller.Refused) u.outcome()).message().en())
                                .toList());
                        Outcome outcome = live.isEmpty()
                                ? new Outcome("cancelled", "created_during_cancel",
                                        "Fulfillment " + String.join(", ", attempt.created())
                                                + " was created while the shipment was being cancelled; it was cancelled in Shopify.",
                                        "キャンセル中に作成されたフルフィルメント " + String.join(", ", attempt.created())
                                                + " をShopifyでキャンセルしました。")
                                : new Outcome("failed", ShipmentRepository.LIVE_AFTER_CANCEL,
                                        "Fulfillment " + String.join(", ", live) + " was created while the shipment was being "
                                                + "cancelled and Shopify did not cancel it (" + reasons
                                                + "). Cancel the shipment again, or cancel the fulfillment in Shopify.",
                                        "キャンセル中に作成されたフルフィルメント " + String.join(", ", live)
                                                + " をShopifyでキャンセルできませんでした。もう一度キャンセルするか、Shopifyで取り消してください。");
                        if (!live.isEmpty()) {
                            Log.warnf("Shipment %d: %s", id, outcome.en());
                        }
                        return shipments.recordCreatedAfterCancel(id, live, outcome);
                    });
        });
    }

    private record Undo(String fulfillmentId, FulfillmentCanceller.Outcome outcome) {
    }

    private Uni<Void> stopForCancelledOrder(Attempt attempt) {
        return shipments.finish(attempt.claim(), "cancelled", new Outcome("cancelled", "order_cancelled",
                "The order was cancelled in Shopify.", "Shopifyで注文がキャンセルされました。")).replaceWithVoid();
    }

    private Uni<Void> fail(Attempt attempt, String code, String en, String ja) {
        return shipments.finish(attempt.claim(), "failed", new Outcome("failed", code, en, ja)).invoke(applied -> {
            if (applied) {
                Log.warnf("Shipment %d failed to sync (%s): %s", attempt.shipment().id(), code, en);
            }
        }).replaceWithVoid();
    }
}
