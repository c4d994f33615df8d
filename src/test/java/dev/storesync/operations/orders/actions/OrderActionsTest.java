package dev.storesync.operations.orders.actions;

import static dev.storesync.testing.Api.as;
import static dev.storesync.testing.Api.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.storesync.shopify.sim.InjectShopifySimulator;
import dev.storesync.shopify.sim.ShopifySimulator;
import dev.storesync.shopify.sim.SimFulfillment;
import dev.storesync.shopify.sim.SimOrder;
import dev.storesync.testing.Api;
import dev.storesync.testing.ConnectedShop;
import dev.storesync.testing.Orders;
import dev.storesync.testing.SignedWebhooks;
import dev.storesync.testing.Vendors;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** POST /sync/orders/assign, /fulfill, /support and /returns through HTTP: the v1.2 envelope, atomicity, replay, roles. */
@QuarkusTest
class OrderActionsTest {

    private static final Duration WITHIN = Duration.ofSeconds(20);

    @InjectShopifySimulator
    ShopifySimulator sim;

    @Inject
    AgroalDataSource dataSource;

    private ConnectedShop store;
    private Vendors.Vendor vendor;

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @BeforeEach
    void connect() {
        store = ConnectedShop.connect(sim, "acts");
        vendor = Vendors.create("Mino Ware");
    }

    // --- assign ---------------------------------------------------------------------------------------

    @Test
    void shouldAssignOrdersNamedByGidIdAndNameAndListThemAsAssigned() throws Exception {
        SimOrder a = importOrder("CUP-1");
        SimOrder b = importOrder("CUP-2");
        SimOrder c = importOrder("CUP-3");
        String operator = Api.newKey("operator", null);

        JsonPath answer = post(operator, "assign", Map.of("shop_domain", store.domain,
                "orderIds", List.of(a.id(), b.legacyResourceId(), c.name()), "assignee", "kana"))
                .statusCode(200).extract().jsonPath();
        assertThat(answer.getBoolean("success")).isTrue();
        assertThat(answer.getString("message")).isEqualTo("Assigned 3 orders to kana");
        assertThat(answer.getList("updatedOrders.id")).containsExactly(a.id(), b.id(), c.id());
        assertThat(answer.getList("updatedOrders.assignedTo")).containsExactly("kana", "kana", "kana");

        JsonPath assigned = list(Map.of("tab", "assigned")).extract().jsonPath();
        assertThat(assigned.getList("orders.id")).containsExactlyInAnyOrder(a.id(), b.id(), c.id());
        assertThat(assigned.getList("orders.assignedTo")).containsOnly("kana");
        assertThat(list(Map.of("assigned_to", "kana")).extract().jsonPath().getList("orders.id")).hasSize(3);
        assertThat(list(Map.of("assigned_to", "someone-else")).extract().jsonPath().getList("orders")).isEmpty();

        JsonPath timeline = timeline(a.id()).extract().jsonPath();
        assertThat(timeline.getString("events[0].event")).isEqualTo("order_assigned");
        assertThat(timeline.getString("events[0].details.assignee")).isEqualTo("kana");

        long keyId = keyId(operator);
        assertThat(count("SELECT count(*) FROM order_assignments a JOIN orders o ON o.id = a.order_id "
                + "WHERE o.gid = ? AND a.assignee = 'kana' AND a.api_key_id = ? AND a.assigned_by = ?",
                a.id(), keyId, "api-key:" + keyId)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM outbox_events WHERE aggregate = ? AND event_type = 'order.assigned'",
                "order:" + a.id())).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM outbox_events WHERE aggregate = ? AND event_type = 'shopify.metafield_set' "
                + "AND payload->>'namespace' = 'storesync' AND payload->>'key' = 'assignee' AND payload->>'value' = 'kana'",
                "order:" + a.id())).isEqualTo(1);

        // Reassigning: the list follows the current assignee, and one order reads as one.
        JsonPath again = post(operator, "assign", Map.of("shop_domain", store.domain, "orderIds", List.of(a.name()),
                "assignee", "ren")).statusCode(200).extract().jsonPath();
        assertThat(again.getString("message")).isEqualTo("Assigned 1 order to ren");
        assertThat(list(Map.of("assigned_to", "ren")).extract().jsonPath().getList("orders.id")).containsExactly(a.id());
        assertThat(list(Map.of("assigned_to", "kana")).extract().jsonPath().getList("orders.id")).hasSize(2);

        // The queued metafield entries reach Shopify (the writer is enabled in the test profile), the
        // order's metafield ending with its current assignee.
        await().atMost(WITHIN).untilAsserted(() -> {
            assertThat(a.metafield("storesync", "assignee")).isEqualTo("ren");
            assertThat(b.metafield("storesync", "assignee")).isEqualTo("kana");
            assertThat(count("SELECT count(*) FROM outbox_events WHERE aggregate = ? AND event_type = 'shopify.metafield_set' "
                    + "AND state = 'delivered'", "order:" + a.id())).isEqualTo(2);
        });
    }

    @Test
    void shouldChangeNothingWhenOneOrderOfTheBatchIsUnknown() throws Exception {
        SimOrder a = importOrder("CUP-1");
        ValidatableResponse r = post(Api.ADMIN_KEY, "assign", Map.of("shop_domain", store.domain,
                "orderIds", List.of(a.id(), "#NO-SUCH-ORDER"), "assignee", "kana")).statusCode(404);
        assertFailure(r, 404, "not-found");
        assertThat(r.extract().jsonPath().getString("message")).contains("#NO-SUCH-ORDER");
        assertThat(list(Map.of("tab", "assigned")).extract().jsonPath().getList("orders")).isEmpty();
        assertThat(count("SELECT count(*) FROM outbox_events WHERE aggregate = ?", "order:" + a.id())).isZero();
        assertThat(timeline(a.id()).extract().jsonPath().getList("events.event")).containsExactly("order_imported");
    }

    @Test
    void shouldAnswerEveryFailureInTheEnvelope() {
        SimOrder a = importOrder("CUP-1");
        // 400: no shop_domain (and no body at all).
        assertFailure(post(Api.ADMIN_KEY, "assign", Map.of("orderIds", List.of(a.id()), "assignee", "kana")), 400,
                "missing-shop-domain");
        for (String action : List.of("fulfill", "support", "returns")) {
            assertFailure(post(Api.ADMIN_KEY, action, Map.of("orderId", a.id(), "orderIds", List.of(a.id()))), 400,
                    "missing-shop-domain");
        }
        assertFailure(asAdmin().body("{\"shop_domain\": ").post("/sync/orders/assign").then(), 400, "bad-request");
        // 422: malformed values, each naming its field.
        assertField(post(Api.ADMIN_KEY, "assign", Map.of("shop_domain", store.domain, "orderIds", List.of(), "assignee", "kana")), "orderIds");
        assertField(post(Api.ADMIN_KEY, "assign", Map.of("shop_domain", store.domain, "orderIds", List.of(a.id()), "assignee", " ")), "assignee");
        assertField(post(Api.ADMIN_KEY, "assign", Map.of("shop_domain", "not a shop", "orderIds", List.of(a.id()), "assignee", "kana")), "shop_domain");
        assertField(post(Api.ADMIN_KEY, "fulfill", Map.of("shop_domain", store.domain, "orderIds", List.of(a.id()),
                "tracking", Map.of("carrier", "Yamato"))), "tracking.number");
        assertField(post(Api.ADMIN_KEY, "support", Map.of("shop_domain", store.domain, "orderId", a.id())), "note");
        assertField(post(Api.ADMIN_KEY, "returns", Map.of("shop_domain", store.domain, "orderId", a.id(), "action", "teleport")), "action");
        // 404: unknown shop, unknown order.
        assertFailure(post(Api.ADMIN_KEY, "support", Map.of("shop_domain", Api.uniqueShopDomain("nowhere"),
                "orderId", a.id(), "note", "hi")), 404, "not-found");
        assertFailure(post(Api.ADMIN_KEY, "returns", Map.of("shop_domain", store.domain, "orderId", "#404404",
                "action", "open")), 404, "not-found");
        assertFailure(post(Api.ADMIN_KEY, "fulfill", Map.of("shop_domain", store.domain, "orderIds", List.of("#404404"))),
                404, "not-found");
        assertFailure(post(Api.ADMIN_KEY, "support", Map.of("shop_domain", store.domain, "orderId", "gid://shopify/Order/1",
                "note", "hi")), 404, "not-found");
        assertFailure(asAdmin().post("/sync/orders/assign").then(), 400, "bad-request");
        // 401 and 403 (vendor keys have no access) are envelopes too.
        assertFailure(post("ssk_not-a-key", "assign", Map.of("shop_domain", store.domain)), 401, "unauthorized");
        assertFailure(post(vendor.key(), "assign", Map.of("shop_domain", store.domain, "orderIds", List.of(a.id()),
                "assignee", "kana")), 403, "forbidden");
        assertThat(list(Map.of("tab", "assigned")).extract().jsonPath().getList("orders")).isEmpty();
    }

    @Test
    void shouldReplayTheFirstAnswerForARepeatedIdempotencyKey() throws Exception {
        SimOrder a = importOrder("CUP-1");
        String key = "assign-" + UUID.randomUUID();
        Map<String, Object> body = Map.of("shop_domain", store.domain, "orderIds", List.of(a.id()), "assignee", "kana");
        String first = asAdmin().header("Idempotency-Key", key).body(body).post("/sync/orders/assign")
                .then().statusCode(200).extract().asString();
        // Meanwhile someone else reassigns the order; the retry must not undo that.
        post(Api.ADMIN_KEY, "assign", Map.of("shop_domain", store.domain, "orderIds", List.of(a.id()), "assignee", "ren"))
                .statusCode(200);
        io.restassured.response.Response replay = asAdmin().header("Idempotency-Key", key).body(body).post("/sync/orders/assign");
        assertThat(replay.statusCode()).isEqualTo(200);
        assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(replay.asString()).isEqualTo(first);
        assertThat(list(Map.of("assigned_to", "ren")).extract().jsonPath().getList("orders.id")).containsExactly(a.id());
        assertThat(count("SELECT count(*) FROM order_assignments a JOIN orders o ON o.id = a.order_id WHERE o.gid = ?",
                a.id())).isEqualTo(2);

        ValidatableResponse reused = asAdmin().header("Idempotency-Key", key)
                .body(Map.of("shop_domain", store.domain, "orderIds", List.of(a.id()), "assignee", "mio"))
                .post("/sync/orders/assign").then();
        assertFailure(reused, 422, "idempotency-key-reused");
        // The same key on another action is another request too.
        assertFailure(asAdmin().header("Idempotency-Key", key).body(Map.of("shop_domain", store.domain,
                "orderId", a.id(), "action", "open")).post("/sync/orders/returns").then(), 422, "idempotency-key-reused");
    }

    @Test
    void shouldFulfillOnceWhenTheSameKeyArrivesTwiceAtOnce() throws Exception {
        SimOrder a = store.shop.order().line("RACE-1", 2, vendor.name()).createRouted();
        store.importOrder(a);
        String key = "fulfill-" + UUID.randomUUID();
        Map<String, Object> body = Map.of("shop_domain", store.domain, "orderIds", List.of(a.id()),
                "tracking", Map.of("number", "RACE-77"));
        List<java.util.concurrent.CompletableFuture<io.restassured.response.Response>> sent = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            sent.add(java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> asAdmin().header("Idempotency-Key", key).body(body).post("/sync/orders/fulfill")));
        }
        List<String> answers = new ArrayList<>();
        for (java.util.concurrent.CompletableFuture<io.restassured.response.Response> f : sent) {
            io.restassured.response.Response r = f.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
            answers.add(r.asString());
        }
        assertThat(answers).containsOnly(answers.get(0));
        assertThat(count("SELECT count(*) FROM shipments s JOIN orders o ON o.id = s.order_id WHERE o.gid = ?", a.id()))
                .isEqualTo(1);
        await().atMost(WITHIN).until(() -> a.fulfillments().size() == 1);
        assertThat(a.fulfillments().get(0).trackingInfo()).extracting(SimFulfillment.TrackingInfo::number)
                .containsExactly("RACE-77");
    }

    // --- fulfill --------------------------------------------------------------------------------------

    @Test
    void shouldFulfillEveryUnshippedLineOfAllVendorsAndSyncItToShopify() {
        Vendors.Vendor other = Vendors.create("Hasami Ware");
        SimOrder mixed = store.shop.order().line("PLATE-1", 2, vendor.name()).line("PLATE-2", 1, other.name()).createRouted();
        long mixedId = store.importOrder(mixed);
        long line1 = ConnectedShop.lineIds(mixedId).get("PLATE-1");
        // One unit is already shipped by the vendor; the action ships the rest of every line.
        as(vendor.key()).body(Map.of("lines", List.of(Map.of("lineItemId", line1, "quantity", 1)), "trackingNumber", "V-1",
                "carrier", "Yamato")).post("/orders/" + mixedId + "/shipments").then().statusCode(201);
        SimOrder untracked = store.shop.order().line("PLATE-3", 1, vendor.name()).createRouted();
        store.importOrder(untracked);
        await().atMost(WITHIN).until(() -> mixed.fulfillments().size() == 1);

        JsonPath answer = post(Api.newKey("operator", null), "fulfill", Map.of("shop_domain", store.domain,
                "orderIds", List.of(mixed.name()), "tracking", Map.of("number", "DASH-77", "carrier", "Sagawa",
                        "url", "https://track.example/DASH-77"))).statusCode(200).extract().jsonPath();
        assertThat(answer.getBoolean("success")).isTrue();
        assertThat(answer.getString("message")).isEqualTo("Marked 1 order fulfilled");
        assertThat(answer.getString("updatedOrders[0].id")).isEqualTo(mixed.id());
        assertThat(answer.getString("updatedOrders[0].fulfillmentStatus")).isEqualTo("fulfilled");
        assertThat(answer.getMap("updatedOrders[0].tracking")).containsEntry("number", "DASH-77")
                .containsEntry("carrier", "Sagawa").containsEntry("url", "https://track.example/DASH-77");

        JsonPath bare = post(Api.ADMIN_KEY, "fulfill", Map.of("shop_domain", store.domain,
                "orderIds", List.of(untracked.legacyResourceId()))).statusCode(200).extract().jsonPath();
        assertThat(bare.getString("updatedOrders[0].fulfillmentStatus")).isEqualTo("fulfilled");
        assertThat(bare.getMap("updatedOrders[0]")).doesNotContainKey("tracking");

        await().atMost(WITHIN).untilAsserted(() -> {
            assertThat(mixed.fulfillments()).hasSize(2);
            SimFulfillment dash = mixed.fulfillments().get(1);
            assertThat(dash.trackingInfo()).extracting(SimFulfillment.TrackingInfo::number).containsExactly("DASH-77");
            assertThat(mixed.fulfillments().stream().mapToInt(f -> f.quantitiesByLineItem().values().stream()
                    .mapToInt(Integer::intValue).sum()).sum()).isEqualTo(3);
            assertThat(untracked.fulfillments()).hasSize(1);
            assertThat(untracked.fulfillments().get(0).trackingInfo()).isEmpty();
        });
        await().atMost(WITHIN).untilAsserted(() -> assertThat(timeline(untracked.id()).extract().jsonPath()
                .getList("events.event", String.class)).containsSequence("shipment_synced", "shipment_registered"));
        // Nothing is left to ship: the order leaves the unfulfilled facts, and a second fulfill ships nothing more.
        post(Api.ADMIN_KEY, "fulfill", Map.of("shop_domain", store.domain, "orderIds", List.of(mixed.id())))
                .statusCode(200);
        assertThat(asAdmin().get("/shipments?orderId=" + mixedId).then().statusCode(200).extract().jsonPath()
                .getList("items")).hasSize(2);
    }

    @Test
    void shouldFulfillNothingWhenAnOrderOfTheBatchIsCancelled() {
        SimOrder open = importOrder("BOWL-1");
        SimOrder cancelled = importOrder("BOWL-2");
        cancelled.cancel("customer");
        SignedWebhooks.Delivery d = SignedWebhooks.delivery("orders/cancelled", store.domain,
                ConnectedShop.payload(cancelled, cancelled.updatedAt()).encode());
        d.post().then().statusCode(200);
        Orders.awaitProcessed(store.domain, d.webhookId());

        ValidatableResponse r = post(Api.ADMIN_KEY, "fulfill", Map.of("shop_domain", store.domain,
                "orderIds", List.of(open.id(), cancelled.id())));
        assertFailure(r, 409, "conflict");
        assertThat(r.extract().jsonPath().getString("detail")).contains(cancelled.name());
        assertThat(timeline(open.id()).extract().jsonPath().getList("events.event")).containsExactly("order_imported");
        assertThat(open.fulfillments()).isEmpty();
    }

    // --- support --------------------------------------------------------------------------------------

    @Test
    void shouldOpenASupportThreadReuseItByConversationAndHandTheOrderToTheAssistant() throws Exception {
        SimOrder a = importOrder("MUG-1");
        SimOrder b = importOrder("MUG-2");
        String conversation = "conv-" + UUID.randomUUID();
        JsonPath first = post(Api.ADMIN_KEY, "support", Map.of("shop_domain", store.domain, "orderId", a.name(),
                "conversationId", conversation, "note", "Parcel arrived damaged")).statusCode(200).extract().jsonPath();
        assertThat(first.getBoolean("success")).isTrue();
        assertThat(first.getString("message")).isEqualTo("Support requested for " + a.name());
        String thread = first.getString("updatedOrders[0].supportThread");
        assertThat(first.getString("updatedOrders[0].id")).isEqualTo(a.id());
        assertThat(thread).isNotBlank();

        JsonPath second = post(Api.ADMIN_KEY, "support", Map.of("shop_domain", store.domain, "orderId", b.id(),
                "conversationId", conversation, "note", "Same customer, second order")).statusCode(200).extract().jsonPath();
        assertThat(second.getString("updatedOrders[0].supportThread")).isEqualTo(thread);
        // Without a conversation the order's own thread is used again.
        JsonPath third = post(Api.ADMIN_KEY, "support", Map.of("shop_domain", store.domain, "orderId", a.id(),
                "note", "Customer called again")).statusCode(200).extract().jsonPath();
        assertThat(third.getString("updatedOrders[0].supportThread")).isEqualTo(thread);
        assertThat(count("SELECT count(*) FROM support_notes WHERE thread_id = ?::uuid", thread)).isEqualTo(3);

        JsonPath support = list(Map.of("tab", "support")).extract().jsonPath();
        assertThat(support.getList("orders.id")).containsExactlyInAnyOrder(a.id(), b.id());
        assertThat(support.getList("orders.supportThread")).containsOnly(thread);
        assertThat(support.getList("orders.assignedTo")).containsOnly("assistant");
        List<String> events = timeline(a.id()).extract().jsonPath().getList("events.event", String.class);
        assertThat(events).containsExactly("support_requested", "support_requested", "order_assigned", "order_imported");
        assertThat(timeline(a.id()).extract().jsonPath().getString("events[0].details.note")).isEqualTo("Customer called again");
    }

    // --- returns --------------------------------------------------------------------------------------

    @Test
    void shouldWalkTheReturnChainAndShowItInTheList() throws Exception {
        SimOrder a = importOrder("VASE-1");
        List<String[]> chain = List.of(new String[] { "open", "awaiting_label" },
                new String[] { "label_generated", "label_generated" }, new String[] { "in_transit", "in_transit" },
                new String[] { "received", "inspection" }, new String[] { "approve_refund", "awaiting_refund" },
                new String[] { "request_inspection", "inspection" }, new String[] { "approve_refund", "awaiting_refund" },
                new String[] { "complete", "completed" });
        for (String[] step : chain) {
            JsonPath r = returns(a, step[0]).statusCode(200).extract().jsonPath();
            assertThat(r.getBoolean("success")).isTrue();
            assertThat(r.getString("message")).isEqualTo("Return updated: " + a.name() + " → " + step[1]);
            assertThat(r.getList("updatedOrders")).isEmpty();
            assertThat(returnState(a)).isEqualTo(step[1]);
            if (step[1].equals("inspection")) {
                assertThat(list(Map.of("tab", "returns")).extract().jsonPath().getList("orders.id")).contains(a.id());
            }
            // A return awaiting its refund makes the order high priority (a new order, nothing else pending).
            String priority = step[1].equals("awaiting_refund") ? "high" : "normal";
            assertThat(list(Map.of("priority", priority)).extract().jsonPath().getList("orders.id")).contains(a.id());
            assertThat(list(Map.of("priority", priority.equals("high") ? "normal" : "high")).extract().jsonPath()
                    .getList("orders.id")).doesNotContain(a.id());
        }
        // Repeating the last action is answered as done and changes nothing.
        assertThat(returns(a, "complete").statusCode(200).extract().jsonPath().getString("message"))
                .isEqualTo("Return updated: " + a.name() + " → completed");
        assertThat(timeline(a.id()).extract().jsonPath().getList("events.event", String.class)
                .stream().filter("return_updated"::equals).count()).isEqualTo(chain.size());
        assertThat(count("SELECT count(*) FROM outbox_events WHERE aggregate = ? AND event_type = 'order.return_updated'",
                "order:" + a.id())).isEqualTo(chain.size());
        // A finished return leaves the returns tab but keeps its state on the order.
        assertThat(list(Map.of("tab", "returns")).extract().jsonPath().getList("orders.id")).doesNotContain(a.id());
        assertThat(timeline(a.id()).extract().jsonPath().getMap("events[0].details"))
                .containsEntry("from", "awaiting_refund").containsEntry("to", "completed").containsEntry("action", "complete");
    }

    @Test
    void shouldEndAReturnWithDenyOrCancelFromEveryOpenState() {
        List<String> walk = List.of("open", "label_generated", "in_transit", "received", "approve_refund");
        for (String ending : List.of("deny", "cancel")) {
            for (int steps = 1; steps <= walk.size(); steps++) {
                SimOrder o = importOrder("END-" + steps);
                for (String action : walk.subList(0, steps)) {
                    returns(o, action).statusCode(200);
                }
                String terminal = ending.equals("deny") ? "denied" : "cancelled";
                returns(o, ending).statusCode(200);
                assertThat(returnState(o)).isEqualTo(terminal);
                returns(o, ending).statusCode(200);
                for (String action : ReturnFlow.ACTIONS) {
                    if (!action.equals(ending)) {
                        ValidatableResponse r = returns(o, action);
                        assertFailure(r, 409, "illegal-return-transition");
                        assertThat(r.extract().jsonPath().getString("detail")).contains("in state " + terminal);
                    }
                }
            }
        }
    }

    @Test
    void shouldRefuseEveryIllegalTransitionNamingTheCurrentState() {
        SimOrder o = importOrder("JAR-1");
        List<String> path = new ArrayList<>(List.of("open", "label_generated", "in_transit", "received",
                "approve_refund", "complete"));
        String state = null;
        Map<String, String> after = Map.of("open", "awaiting_label", "label_generated", "label_generated",
                "in_transit", "in_transit", "received", "inspection", "approve_refund", "awaiting_refund",
                "complete", "completed");
        String last = null;
        for (String next : path) {
            for (String action : ReturnFlow.ACTIONS) {
                boolean legal = ReturnFlow.next(state == null ? null : ReturnFlow.State.valueOf(state.toUpperCase()), action)
                        .isPresent() || action.equals(last);
                if (!legal) {
                    ValidatableResponse r = returns(o, action);
                    assertFailure(r, 409, "illegal-return-transition");
                    assertThat(r.extract().jsonPath().getString("message"))
                            .contains("in state " + (state == null ? "none" : state));
                }
            }
            assertThat(returnState(o)).isEqualTo(state);
            returns(o, next).statusCode(200);
            state = after.get(next);
            last = next;
        }
        assertThat(returnState(o)).isEqualTo("completed");
    }

    // --- roles ----------------------------------------------------------------------------------------

    @Test
    void shouldKeepAnOperatorLimitedToShopsOutOfOtherShops() {
        ConnectedShop otherStore = ConnectedShop.connect(sim, "acts-other");
        SimOrder mine = importOrder("TEA-1");
        SimOrder theirs = otherStore.shop.order().line("TEA-2", 1, vendor.name()).create();
        otherStore.importOrder(theirs);
        String operator = Api.newKey("operator", null);
        long id = keyId(operator);

        JsonPath limited = asAdmin().body(Map.of("shopDomains", List.of(store.domain.toUpperCase())))
                .put("/admin/api-keys/" + id + "/shops").then().statusCode(200).extract().jsonPath();
        assertThat(limited.getList("shopDomains")).containsExactly(store.domain);
        assertThat(asAdmin().get("/admin/api-keys").then().extract().jsonPath()
                .getList("find { it.id == " + id + " }.shopDomains")).containsExactly(store.domain);

        assertFailure(post(operator, "assign", Map.of("shop_domain", otherStore.domain, "orderIds", List.of(theirs.id()),
                "assignee", "kana")), 403, "forbidden");
        assertFailure(post(operator, "fulfill", Map.of("shop_domain", otherStore.domain, "orderIds", List.of(theirs.id()))),
                403, "forbidden");
        assertFailure(post(operator, "support", Map.of("shop_domain", otherStore.domain, "orderId", theirs.id(),
                "note", "hi")), 403, "forbidden");
        assertFailure(post(operator, "returns", Map.of("shop_domain", otherStore.domain, "orderId", theirs.id(),
                "action", "open")), 403, "forbidden");
        // An order of the other shop named with the key's own shop is simply not there.
        assertFailure(post(operator, "returns", Map.of("shop_domain", store.domain, "orderId", theirs.id(),
                "action", "open")), 404, "not-found");
        assertThat(otherStore.shop.order(theirs.id()).fulfillments()).isEmpty();
        post(operator, "assign", Map.of("shop_domain", store.domain, "orderIds", List.of(mine.id()), "assignee", "kana"))
                .statusCode(200);
        // Lists: a named other shop is 403, no shop means only the key's shops.
        as(operator).queryParam("shop_domain", otherStore.domain).get("/sync/orders").then().statusCode(403);
        List<String> seen = as(operator).queryParam("pageSize", "100").get("/sync/orders").then().statusCode(200)
                .extract().jsonPath().getList("orders.shopDomain");
        assertThat(seen).isNotEmpty().containsOnly(store.domain);
        as(operator).get("/sync/orders/" + theirs.legacyResourceId() + "/timeline").then().statusCode(404);
        as(operator).queryParam("shop_domain", otherStore.domain)
                .get("/sync/orders/" + theirs.legacyResourceId() + "/timeline").then().statusCode(403);
        as(operator).get("/sync/orders/" + mine.legacyResourceId() + "/timeline").then().statusCode(200);

        // Only operator keys are limited; null lifts the limit.
        String admin = Api.newKey("admin", null);
        asAdmin().body(Map.of("shopDomains", List.of(store.domain))).put("/admin/api-keys/" + keyId(admin) + "/shops")
                .then().statusCode(422);
        asAdmin().body("{\"shopDomains\": null}").put("/admin/api-keys/" + id + "/shops").then().statusCode(200);
        as(operator).queryParam("shop_domain", otherStore.domain).get("/sync/orders").then().statusCode(200);
        asAdmin().body(Map.of("name", "limited", "role", "operator", "shopDomains", List.of(otherStore.domain)))
                .post("/admin/api-keys").then().statusCode(201);
        asAdmin().body(Map.of("name", "bad", "role", "operator", "shopDomains", List.of("not a domain")))
                .post("/admin/api-keys").then().statusCode(422);
    }

    // --- helpers --------------------------------------------------------------------------------------

    private SimOrder importOrder(String sku) {
        SimOrder order = store.shop.order().line(sku, 1, vendor.name()).create();
        store.importOrder(order);
        return order;
    }

    private static ValidatableResponse post(String key, String action, Map<String, Object> body) {
        return as(key).body(body).post("/sync/orders/" + action).then();
    }

    private ValidatableResponse returns(SimOrder o, String action) {
        return post(Api.ADMIN_KEY, "returns", Map.of("shop_domain", store.domain, "orderId", o.name(), "action", action));
    }

    private String returnState(SimOrder o) {
        return list(Map.of("pageSize", "100")).extract().jsonPath()
                .getString("orders.find { it.id == '" + o.id() + "' }.returnState");
    }

    private ValidatableResponse list(Map<String, String> params) {
        Map<String, String> all = new HashMap<>(params);
        all.put("shop_domain", store.domain);
        return asAdmin().queryParams(all).get("/sync/orders").then().statusCode(200);
    }

    private ValidatableResponse timeline(String gid) {
        return asAdmin().queryParam("shop_domain", store.domain).get("/sync/orders/" + gid + "/timeline").then()
                .statusCode(200);
    }

    /** The failure envelope: success false, a message, no updated orders, and the problem fields. */
    static void assertFailure(ValidatableResponse r, int status, String slug) {
        r.statusCode(status);
        JsonPath body = r.extract().jsonPath();
        assertThat(body.getBoolean("success")).isFalse();
        assertThat(body.getString("message")).isNotBlank();
        assertThat(body.getList("updatedOrders")).isEmpty();
        assertThat(body.getString("type")).isEqualTo("https://storesync.dev/problems/" + slug);
        assertThat(body.getInt("status")).isEqualTo(status);
        assertThat(body.getString("title")).isNotBlank();
        assertThat(body.getString("detail")).isEqualTo(body.getString("message"));
        assertThat(r.extract().contentType()).startsWith("application/problem+json");
    }

    private static void assertField(ValidatableResponse r, String field) {
        assertFailure(r, 422, "validation");
        assertThat(r.extract().jsonPath().getString("errors[0].field")).isEqualTo(field);
    }

    private static long keyId(String plainKey) {
        String prefix = plainKey.substring(0, 10);
        return asAdmin().get("/admin/api-keys").then().statusCode(200).extract().jsonPath()
                .getLong("find { it.prefix == '" + prefix + "' }.id");
    }

    private long count(String sql, Object... params) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
