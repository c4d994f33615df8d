package dev.storesync.carriers;

import io.agroal.api.AgroalDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Platform orders and POs written with plain SQL, as the platform sync (another capability) would:
 * the carrier side must work whatever code path writes these rows.
 */
final class PlatformRows {

    private final AgroalDataSource db;

    PlatformRows(AgroalDataSource db) {
        this.db = db;
    }

    /** A unique order number. */
    static String orderNumber() {
        return "ORD-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A unique PO number in its normalised form, such as {@code 5123-1}. */
    static String poNumber() {
        return (1000 + Math.abs(UUID.randomUUID().getMostSignificantBits() % 900_000_000L)) + "-1";
    }

    long insertOrder(String orderNumber) {
        return insert("INSERT INTO platform_orders (order_number, platform_id, approval) VALUES (?, ?, 'approved') RETURNING id",
                orderNumber, "omg-" + orderNumber);
    }

    long insertPo(long orderId, String poNumber) {
        return insert("INSERT INTO purchase_orders (po_number, order_id, platform_id, supplier_name) VALUES (?, ?, ?, 'Acme Pens') RETURNING id",
                poNumber, orderId, "po-" + poNumber);
    }

    void renumberPo(long poId, String poNumber) {
        update("UPDATE purchase_orders SET po_number = ? WHERE id = ?", poNumber, poId);
    }

    /** shipments_total, in_transit, delivered, exception and derived_status of an order. */
    Map<String, Object> stats(long orderId) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT shipments_total, shipments_in_transit, shipments_delivered, shipments_exception, derived_status
                FROM platform_orders WHERE id = ?""")) {
            s.setLong(1, orderId);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("total", r.getInt(1));
                out.put("inTransit", r.getInt(2));
                out.put("delivered", r.getInt(3));
                out.put("exception", r.getInt(4));
                out.put("derivedStatus", r.getString(5));
                return out;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How many rows of {@code table} match {@code where} with one parameter. */
    long count(String table, String where, Object param) {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT count(*) FROM " + table + " WHERE " + where)) {
            s.setObject(1, param);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private long insert(String sql, Object... params) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void update(String sql, Object... params) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
