package dev.storesync.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The platform's answers are read leniently: only what we rely on must be there and of the right type. */
class PlatformShapesTest {

    @Test
    void unknownFieldsAreIgnoredAndOptionalOnesMayBeMissing() {
        PlatformShapes.OrdersPage page = PlatformShapes.ordersPage("""
                {"data": [
                   {"id": 91, "order_number": 164, "status": {"approval": {"value": "approved", "by": "x"}, "art": "ok"},
                    "created_at": "2026-11-01T09:00:00+09:00", "updated_at": "2026-11-02T10:00:00Z", "customer": {"n": 1}},
                   {"id": "o-2", "order_number": "165"}
                 ],
                 "meta": {"current_page": 1, "last_page": 2, "links": []}, "extra": true}""", 1);

        assertThat(page.orders()).hasSize(2);
        PlatformShapes.Order first = page.orders().get(0);
        assertThat(first.id()).isEqualTo("91");
        assertThat(first.orderNumber()).isEqualTo("164");
        assertThat(first.approval()).isEqualTo("approved");
        assertThat(first.createdAt()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
        assertThat(first.status().getString("art")).isEqualTo("ok");
        PlatformShapes.Order second = page.orders().get(1);
        assertThat(second.approval()).isNull();
        assertThat(second.updatedAt()).isNull();
        assertThat(page.isLast()).isFalse();
        assertThat(PlatformShapes.ordersPage("{\"data\": []}", 7).isLast()).isTrue();
    }

    @Test
    void purchaseOrdersKeepTheirDatesAndStatus() {
        List<PlatformShapes.PurchaseOrder> pos = PlatformShapes.purchaseOrders("""
                {"data": [{"id": "p-1", "po_number": "PO 164-1", "order_id": "o-1", "supplier_name": "Acme",
                           "ship_date": "2026-12-01", "in_hands_date": "2026-12-10T00:00:00Z",
                           "operations_status": "in_production", "decoration": "embroidery"},
                          {"id": "p-2", "po_number": "164-2", "ship_date": null}]}""");

        assertThat(pos).hasSize(2);
        assertThat(pos.get(0).shipDate()).isEqualTo(LocalDate.of(2026, 12, 1));
        assertThat(pos.get(0).inHandsDate()).isEqualTo(LocalDate.of(2026, 12, 10));
        assertThat(pos.get(0).operationsStatus()).isEqualTo("in_production");
        assertThat(pos.get(1).supplierName()).isNull();
        assertThat(pos.get(1).shipDate()).isNull();
    }

    @Test
    void answersWithoutWhatWeRelyOnAreMalformed() {
        assertThatThrownBy(() -> PlatformShapes.ordersPage("{\"data\": [{\"id\": \"o-1\", ", 1))
                .isInstanceOf(PlatformShapes.MalformedAnswer.class).hasMessage("the answer is not JSON");
        assertThatThrownBy(() -> PlatformShapes.ordersPage("[]", 1)).hasMessage("the answer is not a JSON object");
        assertThatThrownBy(() -> PlatformShapes.ordersPage("{\"orders\": []}", 1)).hasMessage("data must be an array");
        assertThatThrownBy(() -> PlatformShapes.ordersPage("{\"data\": [{\"id\": \"o-1\"}]}", 1))
                .hasMessage("data[0].order_number is missing");
        assertThatThrownBy(() -> PlatformShapes.ordersPage(
                "{\"data\": [{\"id\": \"o-1\", \"order_number\": \"1\", \"status\": \"approved\"}]}", 1))
                .hasMessage("data[0].status must be an object");
        assertThatThrownBy(() -> PlatformShapes.ordersPage(
                "{\"data\": [{\"id\": \"o-1\", \"order_number\": \"1\", \"updated_at\": \"yesterday\"}]}", 1))
                .hasMessageContaining("updated_at must be an ISO-8601 timestamp");
        assertThatThrownBy(() -> PlatformShapes.purchaseOrders("{\"data\": [{\"id\": \"p-1\", \"po_number\": [1]}]}"))
                .hasMessage("data[0].po_number must be a string");
    }
}
