package dev.storesync.orders;

import static dev.storesync.testing.Api.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import dev.storesync.kernel.JobLeases;
import dev.storesync.shopify.client.ShopifyAdminClient;
import dev.storesync.shopify.sim.InjectShopifySimulator;
import dev.storesync.shopify.sim.ShopifySimulator;
import dev.storesync.shopify.sim.SimOrder;
import dev.storesync.testing.ConnectedShop;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Orders whose webhooks never arrived are caught up by the periodic reconciliation. */
@QuarkusTest
class OrderReconcilerTest {

    @InjectShopifySimulator
    ShopifySimulator sim;

    @Inject
    OrderReconciler reconciler;

    @Inject
    Pool pool;

    @Inject
    ShopifyAdminClient shopifyClient;

    @Inject
    OrderImportService imports;

    @Inject
    ReconciliationConfig config;

    private OrderReconciler.Result reconcile(ConnectedShop store) {
        return reconciler.reconcile(store.shopId, store.domain).await().atMost(Duration.ofSeconds(20));
    }

    @Test
    void shouldCatchUpOnOrdersWhoseWebhooksWereLost() {
        ConnectedShop store = ConnectedShop.connect(sim, "reconcile");
        SimOrder order = store.shop.order().line("LOST-1", 2, "Nobody").line("LOST-2", 1, "Nobody").create();
        String byId = "/orders?shopifyId=" + order.legacyResourceId();
        assertThat(asAdmin().get(byId).then().statusCode(200).extract().jsonPath().getList("id")).isEmpty();

        OrderReconciler.Result first = reconcile(store);
        assertThat(first.problem()).isNull();
        assertThat(first.read()).isEqualTo(1);
        asAdmin().get(byId).then().statusCode(200)
                .body("[0].lines.sku", containsInAnyOrder("LOST-1", "LOST-2"))
                .body("[0].cancelledAt", nullValue());

        order.cancel("CUSTOMER");
        reconcile(store);
        asAdmin().get(byId).then().body("[0].cancelledAt", notNullValue());
    }

    @Test
    void shouldReadTheNewestChangesFirstAndSayWhenItStopsEarly() {
        ConnectedShop store = ConnectedShop.connect(sim, "busy");
        for (int i = 0; i < 1003; i++) {
            store.shop.order().line("BUSY-" + i, 1, "Nobody").create();
        }
        SimOrder newest = store.shop.order().line("NEWEST", 1, "Nobody").create().touch();
        store.shop.bucket(100_000, 100_000);

        OrderReconciler.Result result = reconcile(store);
        assertThat(result.read()).isEqualTo(1000);
        assertThat(result.problem()).contains("stopped after the 1000 most recently changed orders");
        asAdmin().get("/orders?shopifyId=" + newest.legacyResourceId()).then().body("[0].lines.sku", containsInAnyOrder("NEWEST"));
    }

    @Test
    void shouldNotOverwriteANewerWebhookVersionWithAnOlderRead() {
        ConnectedShop store = ConnectedShop.connect(sim, "newer");
        SimOrder order = store.shop.order().line("KEEP-1", 2, "Nobody").create();
        Instant newer = order.updatedAt().plusSeconds(60);
        store.sendOrder("orders/updated", order, newer);

        reconcile(store);
        asAdmin().get("/orders?shopifyId=" + order.legacyResourceId()).then().body("[0].updatedAt", equalTo(newer.toString()));
    }

    @Test
    void shouldReconcileOncePerIntervalWithTwoReplicas() {
        ConnectedShop store = ConnectedShop.connect(sim, "replicas");
        SimOrder order = store.shop.order().line("TWICE-1", 1, "Nobody").create();
        store.shop.bucket(100_000, 100_000);
        // A lease left by an earlier run in this JVM would make both replicas skip the interval.
        pool.preparedQuery("DELETE FROM job_leases WHERE name = $1").execute(Tuple.of(OrderReconciler.LEASE))
                .await().atMost(Duration.ofSeconds(10));
        OrderReconciler a = replica("a");
        OrderReconciler b = replica("b");

        // Two intervals; in each, both replicas' schedulers fire at the same moment. The lease holder
        // runs (and renews), the other skips: one read of the shop per interval, not one per replica.
        Uni.join().all(a.scheduled(), b.scheduled()).andFailFast().await().atMost(Duration.ofSeconds(30));
        assertThat(reads(store)).as("reads after the first interval").isEqualTo(1);
        Uni.join().all(b.scheduled(), a.scheduled()).andFailFast().await().atMost(Duration.ofSeconds(30));
        assertThat(reads(store)).as("reads after the second interval").isEqualTo(2);
        assertThat(asAdmin().get("/orders?shopifyId=" + order.legacyResourceId()).then().statusCode(200)
                .extract().jsonPath().getList("id")).hasSize(1);
    }

    private long reads(ConnectedShop store) {
        return sim.requests(r -> store.domain.equals(r.shop()) && "OrdersUpdatedSince".equals(r.operationName())).size();
    }

    private OrderReconciler replica(String name) {
        return new OrderReconciler(pool, shopifyClient, imports, new JobLeases(pool, name + "-" + UUID.randomUUID()), config);
    }
}
