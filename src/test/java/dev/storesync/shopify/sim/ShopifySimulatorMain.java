package dev.storesync.shopify.sim;

import java.util.concurrent.CountDownLatch;

/**
 * Runs the simulator on its own for demos and manual testing:
 * {@code ./mvnw -q test-compile exec:java -Dexec.mainClass=dev.storesync.shopify.sim.ShopifySimulatorMain
 * -Dexec.classpathScope=test [-Dexec.args=8999]}. It seeds {@code demo-store.myshopify.com}.
 */
public final class ShopifySimulatorMain {

    static final String DEMO_SHOP = "demo-store.myshopify.com";
    static final String DEMO_TOKEN = "demo-token";

    private ShopifySimulatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8999;
        String clientId = System.getenv().getOrDefault("STORESYNC_SHOPIFY_CLIENT_ID", "demo-client-id");
        String clientSecret = System.getenv().getOrDefault("STORESYNC_SHOPIFY_CLIENT_SECRET", "demo-client-secret");
        ShopifySimulator simulator = new ShopifySimulator(clientId, clientSecret).start(port);
        seed(simulator.addShop(DEMO_SHOP, DEMO_TOKEN));
        Runtime.getRuntime().addShutdownHook(new Thread(simulator::stop));

        System.out.printf("""
                Shopify simulator listening on %1$s
                  shop %2$s, access token %3$s, app client id %4$s
                  GraphQL: POST %5$s (header X-Shopify-Access-Token: %3$s)
                Point StoreSync at it:
                  STORESYNC_SHOPIFY_ADMIN_BASE_URL=%6$s \\
                  STORESYNC_SHOPIFY_CLIENT_ID=%4$s STORESYNC_SHOPIFY_CLIENT_SECRET=<the secret> ./mvnw quarkus:dev
                  and register the shop %2$s with the token %3$s.
                Ctrl-C stops it.
                """, simulator.baseUrl(), DEMO_SHOP, DEMO_TOKEN, clientId,
                simulator.graphqlUrl(DEMO_SHOP, "2026-10"), simulator.adminBaseUrl());
        new CountDownLatch(1).await();
    }

    /** A few orders in the states the service has to handle. */
    static void seed(SimShop shop) {
        SimLocation warehouse = shop.addLocation("Vendor warehouse");
        shop.order().name("#1001").customer("Ada Lovelace", "ada@example.com")
                .line("TSHIRT-M", 2, "Acme Apparel").line("MUG", 1, "Acme Home").createRouted();
        SimOrder held = shop.order().name("#1002").customer("Alan Turing", "alan@example.com")
                .line("TSHIRT-L", 1, "Acme Apparel").create();
        held.fulfillmentOrder().location(warehouse).onHold("AWAITING_PAYMENT", "bank transfer pending").create();
        shop.order().name("#1003").customer("Grace Hopper", "grace@example.com")
                .line("POSTER", 3, "Print Co").digitalLine("GIFT-CARD", 1).create();
        shop.addInventoryItem("TSHIRT-M").available(shop.primaryLocation(), 25);
        shop.addInventoryItem("MUG").available(shop.primaryLocation(), 7);
    }
}
