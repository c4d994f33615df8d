package dev.storesync.shipments.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FulfillmentPlanTest {

    private static final String LINE_A = "gid://shopify/LineItem/1";
    private static final String LINE_B = "gid://shopify/LineItem/2";

    private static JsonObject fo(String id, String status, String location, List<String> actions, JsonObject... lines) {
        JsonArray acts = new JsonArray();
        actions.forEach(a -> acts.add(new JsonObject().put("action", a)));
        return new JsonObject().put("id", id).put("status", status)
                .put("assignedLocation", new JsonObject().put("name", location).put("location", new JsonObject().put("id", location)))
                .put("supportedActions", acts).put("fulfillmentHolds", new JsonArray())
                .put("lineItems", new JsonObject().put("nodes", new JsonArray(List.of((Object[]) lines))))
                .put("fulfillments", new JsonObject().put("nodes", new JsonArray()));
    }

    private static JsonObject foLine(String id, String lineGid, int remaining) {
        return new JsonObject().put("id", id).put("totalQuantity", remaining).put("remainingQuantity", remaining)
                .put("lineItem", new JsonObject().put("id", lineGid));
    }

    private static FulfillmentPlan.ShipmentLine ship(String gid, int qty) {
        return new FulfillmentPlan.ShipmentLine(gid, "Item " + gid, qty);
    }

    @Test
    void shouldCreateOneFulfillmentWithTheMatchingFulfillmentOrderLines() {
        JsonArray fos = new JsonArray().add(fo("FO1", "OPEN", "L1", List.of("CREATE_FULFILLMENT"),
                foLine("FOL1", LINE_A, 3), foLine("FOL2", LINE_B, 1)));
        FulfillmentPlan plan = FulfillmentPlan.of(fos, List.of(ship(LINE_A, 2)), "TRK", Set.of());
        assertThat(plan).isEqualTo(new FulfillmentPlan.Ready(List.of(new FulfillmentPlan.Create("L1",
                Map.of("FO1", List.of(new FulfillmentPlan.FoLine("FOL1", 2)))))));
    }

    @Test
    void shouldSpreadALineOverFulfillmentOrdersOfSeveralLocations() {
        JsonArray fos = new JsonArray()
                .add(fo("FO1", "OPEN", "L1", List.of("CREATE_FULFILLMENT"), foLine("FOL1", LINE_A, 1)))
                .add(fo("FO2", "IN_PROGRESS", "L2", List.of("CREATE_FULFILLMENT"), foLine("FOL2", LINE_A, 2)));
        FulfillmentPlan plan = FulfillmentPlan.of(fos, List.of(ship(LINE_A, 3)), "TRK", Set.of());
        assertThat(plan).isInstanceOf(FulfillmentPlan.Ready.class);
        List<FulfillmentPlan.Create> creates = ((FulfillmentPlan.Ready) plan).creates();
        assertThat(creates).extracting(FulfillmentPlan.Create::locationId).containsExactly("L1", "L2");
        assertThat(creates.get(1).linesByFulfillmentOrder().get("FO2")).containsExactly(new FulfillmentPlan.FoLine("FOL2", 2));
    }

    @Test
    void shouldWaitWhenNoFulfillmentOrderExistsYet() {
        FulfillmentPlan plan = FulfillmentPlan.of(new JsonArray(), List.of(ship(LINE_A, 1)), "TRK", Set.of());
        assertThat(plan).isInstanceOf(FulfillmentPlan.Waiting.class);
        assertThat(((FulfillmentPlan.Waiting) plan).code()).isEqualTo("fo_missing");
    }

    @Test
    void shouldWaitWhileOnHoldOrScheduledOrWithoutCreateFulfillment() {
        for (JsonObject fo : List.of(
                fo("FO1", "ON_HOLD", "L1", List.of("RELEASE_HOLD"), foLine("FOL1", LINE_A, 1)),
                fo("FO1", "SCHEDULED", "L1", List.of("MARK_AS_OPEN"), foLine("FOL1", LINE_A, 1)),
                fo("FO1", "OPEN", "3PL", List.of("REQUEST_FULFILLMENT"), foLine("FOL1", LINE_A, 1)))) {
            FulfillmentPlan plan = FulfillmentPlan.of(new JsonArray().add(fo), List.of(ship(LINE_A, 1)), "TRK", Set.of());
            assertThat(plan).isInstanceOf(FulfillmentPlan.Waiting.class);
            assertThat(((FulfillmentPlan.Waiting) plan).code()).isEqualTo("fo_not_fulfillable");
        }
    }

    @Test
    void shouldRefuseMoreUnitsThanShopifyHasLeftNamingTheLine() {
        JsonArray fos = new JsonArray().add(fo("FO1", "IN_PROGRESS", "L1", List.of("CREATE_FULFILLMENT"),
                foLine("FOL1", LINE_A, 1)));
        FulfillmentPlan plan = FulfillmentPlan.of(fos, List.of(ship(LINE_A, 2)), "TRK", Set.of());
        assertThat(plan).isInstanceOf(FulfillmentPlan.Impossible.class);
        assertThat(((FulfillmentPlan.Impossible) plan).en()).contains("Item " + LINE_A).contains("only 1");
    }

    @Test
    void shouldNotWaitForAClosedFulfillmentOrder() {
        JsonArray fos = new JsonArray().add(fo("FO1", "CLOSED", "L1", List.of(), foLine("FOL1", LINE_A, 1)));
        FulfillmentPlan plan = FulfillmentPlan.of(fos, List.of(ship(LINE_A, 1)), "TRK", Set.of());
        assertThat(plan).isInstanceOf(FulfillmentPlan.Impossible.class);
    }

    @Test
    void shouldCreateOnlyWhatAnEarlierPartialAttemptLeftUnfulfilled() {
        // Location L1's part was created by an earlier attempt that then failed on L2.
        JsonObject done = fo("FO1", "CLOSED", "L1", List.of(), foLine("FOL1", LINE_A, 0));
        done.put("fulfillments", new JsonObject().put("nodes", new JsonArray().add(new JsonObject()
                .put("id", "F-1").put("status", "SUCCESS")
                .put("trackingInfo", new JsonArray().add(new JsonObject().put("number", "TRK")))
                .put("fulfillmentLineItems", new JsonObject().put("nodes", new JsonArray().add(new JsonObject()
                        .put("quantity", 1).put("lineItem", new JsonObject().put("id", LINE_A))))))));
        JsonArray fos = new JsonArray().add(done)
                .add(fo("FO2", "OPEN", "L2", List.of("CREATE_FULFILLMENT"), foLine("FOL2", LINE_A, 2)));

        FulfillmentPlan plan = FulfillmentPlan.of(fos, List.of(ship(LINE_A, 3)), "TRK", Set.of());

        assertThat(plan).isEqualTo(new FulfillmentPlan.Ready(
                List.of(new FulfillmentPlan.Create("L2", Map.of("FO2", List.of(new FulfillmentPlan.FoLine("FOL2", 2))))),
                List.of("F-1"), List.of("FO1")));
    }

    @Test
    void shouldAdoptAnUnclaimedFulfillmentCarryingTheTrackingNumber() {
        JsonObject fo = fo("FO1", "CLOSED", "L1", List.of(), foLine("FOL1", LINE_A, 0));
        fo.put("fulfillments", new JsonObject().put("nodes", new JsonArray()
                .add(new JsonObject().put("id", "F-other").put("status", "SUCCESS")
                        .put("trackingInfo", new JsonArray().add(new JsonObject().put("number", "TRK"))))
                .add(new JsonObject().put("id", "F-mine").put("status", "SUCCESS")
                        .put("trackingInfo", new JsonArray().add(new JsonObject().put("number", "trk"))))
                .add(new JsonObject().put("id", "F-cancelled").put("status", "CANCELLED")
                        .put("trackingInfo", new JsonArray().add(new JsonObject().put("number", "TRK"))))));
        FulfillmentPlan plan = FulfillmentPlan.of(new JsonArray().add(fo), List.of(ship(LINE_A, 1)), "TRK", Set.of("F-other"));
        assertThat(plan).isEqualTo(new FulfillmentPlan.Adopt(List.of("F-mine"), List.of("FO1")));
    }

    @Test
    void shouldAdoptOnlyAnUntrackedUnclaimedFulfillmentForAShipmentWithoutTracking() {
        JsonObject fo = fo("FO1", "CLOSED", "L1", List.of(), foLine("FOL1", LINE_A, 0));
        fo.put("fulfillments", new JsonObject().put("nodes", new JsonArray()
                .add(new JsonObject().put("id", "F-tracked").put("status", "SUCCESS")
                        .put("trackingInfo", new JsonArray().add(new JsonObject().put("number", "TRK"))))
                .add(new JsonObject().put("id", "F-other").put("status", "SUCCESS").put("trackingInfo", new JsonArray()))
                .add(new JsonObject().put("id", "F-mine").put("status", "SUCCESS").put("trackingInfo", new JsonArray()))));
        FulfillmentPlan plan = FulfillmentPlan.of(new JsonArray().add(fo), List.of(ship(LINE_A, 1)), null, Set.of("F-other"));
        assertThat(plan).isEqualTo(new FulfillmentPlan.Adopt(List.of("F-mine"), List.of("FO1")));
    }
}
