package dev.storesync.operations.orders.actions;

import dev.storesync.kernel.Problem;
import dev.storesync.kernel.ProblemException;
import dev.storesync.operations.orders.OrderEvents;
import dev.storesync.outbox.Outbox;
import dev.storesync.shipments.ShipmentDtos;
import dev.storesync.shipments.ShipmentRepository;
import dev.storesync.shipments.sync.Carriers;
import dev.storesync.shipments.sync.ShipmentSyncWorker;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * The dashboard's write actions. Each request is one transaction: the orders are resolved, locked
 * in id order and changed together with their timeline events and outbox entries, so all orders of
 * a request change or none do. With an {@code Idempotency-Key} the answer is stored in that same
 * transaction and a retry with the same body gets it again.
 */
@ApplicationScoped
public class OrderActionService {

    /** Timeline events of the actions (see {@link OrderEvents} for the others). */
    static final String ORDER_ASSIGNED = "order_assigned";
    static final String SUPPORT_REQUESTED = "support_requested";
    static final String RETURN_UPDATED = "return_updated";

    /** Who acts: the key's principal (scope of idempotency keys), its stored id, and its shops, if limited. */
    public record Actor(String principal, Long apiKeyId, Optional<Set<String>> shops) {
    }

    /** An answer to send: the HTTP status, the envelope, and whether it was replayed for a repeated key. */
    public record Answer(int status, JsonObject body, boolean replayed) {
    }

    private final Pool pool;
    private final OrderActionRepository repository;
    private final ShipmentRepository shipments;
    private final ShipmentSyncWorker worker;
    private final OrderActionsConfig config;

    public OrderActionService(Pool pool, OrderActionRepository repository, ShipmentRepository shipments,
            ShipmentSyncWorker worker, OrderActionsConfig config) {
        this.pool = pool;
        this.repository = repository;
        this.shipments = shipments;
        this.worker = worker;
        this.config = config;
    }

    // --- assign ---------------------------------------------------------------------------------------

    public Uni<Answer> assign(ActionDtos.AssignRequest r, Actor who, String key) {
        String shop = ActionRequests.shop(r, r == null ? null : r.shopDomain());
        List<String> refs = ActionRequests.orderIds(r.orderIds());
        String assignee = ActionRequests.name("assignee", r.assignee());
        JsonObject canonical = new JsonObject().put("shop_domain", shop).put("orderIds", new JsonArray(refs))
                .put("assignee", assignee);
        return run("assign", shop, canonical, who, key, (c, shopId) -> orders(c, shopId, shop, refs)
                .chain(orders -> Multi.createFrom().iterable(orders)
                        .onItem().transformToUniAndConcatenate(o -> reassign(c, shop, o, assignee, "assign", who)
                                .replaceWith(ActionDtos.UpdatedOrder.assigned(o.gid(), assignee)))
                        .collect().asList())
                .map(updated -> new ActionDtos.Envelope(true,
                        "Assigned " + count(updated.size()) + " to " + assignee, updated)));
    }

    // One assignment row, timeline event and outbox entries per change; the same assignee again changes nothing.
    private Uni<Void> reassign(SqlConnection c, String shop, OrderActionRepository.OrderRow o, String assignee,
            String reason, Actor who) {
        if (assignee.equals(o.assignedTo())) {
            return Uni.createFrom().voidItem();
        }
        JsonObject event = new JsonObject().put("assignee", assignee).put("previous", o.assignedTo())
                .put("reason", reason).put("by", who.principal());
        JsonObject metafield = new JsonObject().put("shop", shop).put("ownerId", o.gid())
                .put("namespace", config.assigneeMetafield().namespace()).put("key", config.assigneeMetafield().key())
                .put("type", "single_line_text_field").put("value", assignee);
        return repository.assign(c, o.id(), assignee, o.assignedTo(), reason, who.principal(), who.apiKeyId())
                .chain(() -> OrderEvents.record(c, o.id(), ORDER_ASSIGNED, event))
                .chain(() -> Outbox.append(c, "order.assigned", aggregate(o), event.copy().put("order", o.gid())
                        .put("name", o.name()).put("shop", shop)))
                .chain(() -> Outbox.append(c, "shopify.metafield_set", aggregate(o), metafield))
                .replaceWithVoid();
    }

    // --- fulfill --------------------------------------------------------------------------------------

    public Uni<Answer> fulfill(ActionDtos.FulfillRequest r, Actor who, String key) {
        String shop = ActionRequests.shop(r, r == null ? null : r.shopDomain());
        List<String> refs = ActionRequests.orderIds(r.orderIds());
        ActionDtos.Tracking tracking = ActionRequests.tracking(r.tracking());
        JsonObject canonical = new JsonObject().put("shop_domain", shop).put("orderIds", new JsonArray(refs))
                .put("tracking", tracking == null ? null : JsonObject.mapFrom(tracking));
        return run("fulfill", shop, canonical, who, key, (c, shopId) -> orders(c, shopId, shop, refs)
                .invoke(orders -> orders.stream().filter(OrderActionRepository.OrderRow::cancelled).findFirst()
                        .ifPresent(o -> {
                            throw ProblemException.conflict("Order " + o.name() + " is cancelled; it cannot be fulfilled.");
                        }))
                .chain(orders -> Multi.createFrom().iterable(orders)
                        .onItem().transformToUniAndConcatenate(o -> shipRemaining(c, o, tracking, who)
                                .replaceWith(ActionDtos.UpdatedOrder.fulfilled(o.gid(), tracking)))
                        .collect().asList())
                .map(updated -> new ActionDtos.Envelope(true, "Marked " + count(updated.size()) + " fulfilled", updated)))
                .invoke(answer -> {
                    if (!answer.replayed()) {
                        worker.wake();
                    }
                });
    }

    // One shipment of every unit still unshipped (all vendors), through the same registration rows as a
    // vendor's, so the sync worker pushes it to Shopify. An order with nothing left to ship gets none.
    private Uni<Void> shipRemaining(SqlConnection c, OrderActionRepository.OrderRow o, ActionDtos.Tracking tracking,
            Actor who) {
        return shipments.lineStates(c, o.id()).chain(states -> {
            List<ShipmentDtos.LineRequest> lines = new ArrayList<>();
            Set<Long> vendors = new LinkedHashSet<>();
            for (ShipmentRepository.LineState l : states) {
                int remaining = l.quantity() - l.shipped();
                if (l.requiresShipping() && remaining > 0) {
                    lines.add(new ShipmentDtos.LineRequest(l.id(), remaining));
                    vendors.add(l.vendorId());
                }
            }
            if (lines.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            String number = tracking == null ? null : tracking.number();
            String carrier = tracking == null ? null : tracking.carrier();
            String url = tracking == null ? null : tracking.url();
            return shipments.insert(c, new ShipmentRepository.NewShipment(o.id(),
                    vendors.size() == 1 ? vendors.iterator().next() : null, number, carrier,
                    Carriers.trackingCompany(carrier), url, false, who.principal(), null, null, lines))
                    .call(id -> OrderEvents.record(c, o.id(), OrderEvents.SHIPMENT_REGISTERED, new JsonObject()
                            .put("shipmentId", id).put("trackingNumber", number).put("carrier", carrier)
                            .put("by", who.principal()).put("via", "dashboard")))
                    .invoke(id -> Log.infof("Order %s marked fulfilled from the dashboard by %s: shipment %d",
                            o.name(), who.principal(), id))
                    .replaceWithVoid();
        });
    }

    // --- support --------------------------------------------------------------------------------------

    public Uni<Answer> support(ActionDtos.SupportRequest r, Actor who, String key) {
        String shop = ActionRequests.shop(r, r == null ? null : r.shopDomain());
        String ref = ActionRequests.orderId(r.orderId());
        String conversation = ActionRequests.optionalName("conversationId", r.conversationId());
        String note = ActionRequests.note("note", r.note(), true);
        JsonObject canonical = new JsonObject().put("shop_domain", shop).put("orderId", ref)
                .put("conversationId", conversation).put("note", note);
        String assistant = config.supportAssignee();
        return run("support", shop, canonical, who, key, (c, shopId) -> orders(c, shopId, shop, List.of(ref))
                .map(list -> list.get(0))
                .chain(o -> thread(c, shopId, o, conversation, who)
                        .call(thread -> repository.addNote(c, thread, o.id(), note, who.principal()))
                        .call(thread -> reassign(c, shop, o, assistant, "support", who))
                        .call(thread -> {
                            JsonObject event = new JsonObject().put("supportThread", thread.toString())
                                    .put("conversationId", conversation).put("note", note).put("assignee", assistant)
                                    .put("by", who.principal());
                            return OrderEvents.record(c, o.id(), SUPPORT_REQUESTED, event)
                                    .chain(() -> Outbox.append(c, "order.support_requested", aggregate(o),
                                            event.copy().put("order", o.gid()).put("name", o.name()).put("shop", shop)));
                        })
                        .map(thread -> new ActionDtos.Envelope(true, "Support requested for " + o.name(),
                                List.of(ActionDtos.UpdatedOrder.support(o.gid(), thread.toString()))))));
    }

    // The conversation's thread when one is named, else the order's current thread, else a new one.
    private Uni<UUID> thread(SqlConnection c, long shopId, OrderActionRepository.OrderRow o, String conversation,
            Actor who) {
        if (conversation != null) {
            return repository.threadOfConversation(c, shopId, o.id(), conversation, who.principal());
        }
        return o.supportThread() != null ? Uni.createFrom().item(o.supportThread())
                : repository.newThread(c, shopId, o.id(), who.principal());
    }

    // --- returns --------------------------------------------------------------------------------------

    public Uni<Answer> returns(ActionDtos.ReturnRequest r, Actor who, String key) {
        String shop = ActionRequests.shop(r, r == null ? null : r.shopDomain());
        String ref = ActionRequests.orderId(r.orderId());
        String action = ActionRequests.returnAction(r.action());
        String note = ActionRequests.note("note", r.note(), false);
        JsonObject canonical = new JsonObject().put("shop_domain", shop).put("orderId", ref).put("action", action)
                .put("note", note);
        return run("returns", shop, canonical, who, key, (c, shopId) -> orders(c, shopId, shop, List.of(ref))
                .map(list -> list.get(0))
                .chain(o -> {
                    ReturnFlow.State from = ReturnFlow.State.ofWire(o.returnState());
                    // Repeating the action that led to the current state is answered as done, changing nothing.
                    if (from != null && action.equals(o.returnLastAction())) {
                        return Uni.createFrom().item(updated(o, from));
                    }
                    ReturnFlow.State to = ReturnFlow.next(from, action).orElseThrow(() -> illegal(o, from, action));
                    JsonObject event = new JsonObject().put("from", from == null ? null : from.wire())
                            .put("to", to.wire()).put("action", action).put("note", note).put("by", who.principal());
                    return repository.moveReturn(c, o.id(), o.returnState(), to.wire(), action)
                            .invoke(moved -> {
                                if (!moved) {
                                    throw ProblemException.conflict("The return of " + o.name() + " changed meanwhile; try again.");
                                }
                            })
                            .chain(() -> OrderEvents.record(c, o.id(), RETURN_UPDATED, event))
                            .chain(() -> Outbox.append(c, "order.return_updated", aggregate(o),
                                    event.copy().put("order", o.gid()).put("name", o.name()).put("shop", shop)))
                            .replaceWith(updated(o, to));
                }));
    }

    private static ActionDtos.Envelope updated(OrderActionRepository.OrderRow o, ReturnFlow.State state) {
        return new ActionDtos.Envelope(true, "Return updated: " + o.name() + " → " + state.wire(), List.of());
    }

    private static ProblemException illegal(OrderActionRepository.OrderRow o, ReturnFlow.State from, String action) {
        List<String> allowed = ReturnFlow.allowedFrom(from);
        String state = from == null ? "none (no return is open)" : from.wire();
        return new ProblemException(Problem.of(409, "illegal-return-transition", "Return transition not allowed",
                "The return of " + o.name() + " is in state " + state + "; " + action + " is not allowed"
                        + (allowed.isEmpty() ? " (the return is finished)." : " (allowed: " + String.join(", ", allowed) + ").")));
    }

    // --- shared ---------------------------------------------------------------------------------------

    private Uni<Answer> run(String action, String shop, JsonObject canonical, Actor who, String key,
            BiFunction<SqlConnection, Long, Uni<ActionDtos.Envelope>> work) {
        if (who.shops().isPresent() && !who.shops().get().contains(shop)) {
            return Uni.createFrom().failure(ProblemException.forbidden("This API key may not act on shop " + shop + "."));
        }
        String fingerprint = fingerprint(action, canonical);
        return pool.withTransaction(c -> (key == null ? Uni.createFrom().item(true)
                : repository.takeKey(c, who.principal(), key, action, fingerprint))
                .chain(fresh -> {
                    if (!fresh) {
                        return repository.stored(c, who.principal(), key).map(s -> {
                            if (!s.action().equals(action) || !s.fingerprint().equals(fingerprint)) {
                                throw new ProblemException(Problem.of(422, "idempotency-key-reused", "Idempotency-Key reused",
                                        "This Idempotency-Key was already used for a different request."));
                            }
                            return new Answer(s.status(), s.response(), true);
                        });
                    }
                    return repository.shopId(c, shop)
                            .chain(shopId -> {
                                if (shopId == null) {
                                    throw ProblemException.notFound("No shop " + shop);
                                }
                                return work.apply(c, shopId);
                            })
                            .map(envelope -> new Answer(200, JsonObject.mapFrom(envelope), false))
                            .call(answer -> key == null ? Uni.createFrom().voidItem()
                                    : repository.store(c, who.principal(), key, answer.status(), answer.body()));
                }));
    }

    // Resolves every reference within the shop (all unknown ones named in one 404), then locks the orders.
    private Uni<List<OrderActionRepository.OrderRow>> orders(SqlConnection c, long shopId, String shop, List<String> refs) {
        return Multi.createFrom().iterable(refs)
                .onItem().transformToUniAndConcatenate(ref -> repository.resolve(c, shopId, ref)
                        .map(id -> id == null ? Optional.<Long>empty() : Optional.of(id)))
                .collect().asList()
                .chain(found -> {
                    List<String> unknown = new ArrayList<>();
                    Set<Long> ids = new LinkedHashSet<>();
                    for (int i = 0; i < refs.size(); i++) {
                        if (found.get(i).isEmpty()) {
                            unknown.add(refs.get(i));
                        } else {
                            ids.add(found.get(i).get());
                        }
                    }
                    if (!unknown.isEmpty()) {
                        throw ProblemException.notFound((unknown.size() == 1 ? "No order " : "No orders ")
                                + String.join(", ", unknown) + " in shop " + shop + "; nothing was changed.");
                    }
                    List<Long> inRequestOrder = List.copyOf(ids);
                    return repository.lock(c, inRequestOrder).map(locked -> locked.stream()
                            .sorted(java.util.Comparator.comparingInt(o -> inRequestOrder.indexOf(o.id()))).toList());
                });
    }

    private static String aggregate(OrderActionRepository.OrderRow o) {
        return "order:" + o.gid();
    }

    private static String count(int n) {
        return n + (n == 1 ? " order" : " orders");
    }

    private static String fingerprint(String action, JsonObject canonical) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((action + "|" + canonical.encode()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
