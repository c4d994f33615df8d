-- The delayed tab, priority and alerts use the carrier's own scans where Ship24 tracks a vendor
-- shipment (issue #11, section 3): a shipment's last update is the newest of its sync, its Shopify
-- fulfillment's last update and its last carrier event (shipments.carrier_last_event_at, V19), and a
-- shipment the carrier reports delivered is no longer in transit. Otherwise as in V14.
CREATE OR REPLACE FUNCTION order_ops_refresh(p_order BIGINT) RETURNS void LANGUAGE sql AS $$
    WITH facts AS (
        SELECT o.id,
               o.cancelled_at IS NULL AND o.fulfillment_status IS DISTINCT FROM 'fulfilled' AND EXISTS (
                   SELECT 1 FROM order_line_items li
                   WHERE li.order_id = o.id AND li.requires_shipping AND li.quantity > COALESCE(
                       (SELECT sum(sl.quantity) FROM shipment_line_items sl JOIN shipments s ON s.id = sl.shipment_id
                        WHERE sl.line_item_id = li.id AND s.status = 'shipped'), 0) + COALESCE(
                       (SELECT sum(fl.quantity) FROM order_fulfillment_lines fl JOIN order_fulfillments f ON f.id = fl.fulfillment_id
                        WHERE fl.line_item_id = li.id AND f.shipment_id IS NULL AND f.status IN ('success', 'open', 'pending')), 0)
               ) AS needs_tracking,
               EXISTS (SELECT 1 FROM shipments s WHERE s.order_id = o.id AND s.status = 'shipped'
                                                     AND s.sync_status = 'failed') AS sync_failed,
               (SELECT min(t.last_update) FROM (
                    SELECT GREATEST(s.synced_at, (SELECT max(f.shopify_updated_at) FROM order_fulfillments f
                                                  WHERE f.shipment_id = s.id), s.carrier_last_event_at) AS last_update
                    FROM shipments s
                    WHERE s.order_id = o.id AND s.status = 'shipped' AND s.sync_status = 'synced'
                      AND s.carrier_status IS DISTINCT FROM 'delivered'
                      AND NOT EXISTS (SELECT 1 FROM order_fulfillments f WHERE f.shipment_id = s.id
                                                                           AND f.shipment_status = 'delivered')
                    UNION ALL
                    SELECT f.shopify_updated_at FROM order_fulfillments f
                    WHERE f.order_id = o.id AND f.shipment_id IS NULL AND f.status = 'success'
                      AND f.tracking_number IS NOT NULL AND f.shipment_status IS DISTINCT FROM 'delivered') t
               ) AS transit_since
        FROM orders o WHERE o.id = p_order)
    UPDATE orders o SET needs_tracking = f.needs_tracking, sync_failed = f.sync_failed, transit_since = f.transit_since
    FROM facts f
    WHERE o.id = f.id
      AND (o.needs_tracking, o.sync_failed, o.transit_since) IS DISTINCT FROM (f.needs_tracking, f.sync_failed, f.transit_since)
$$;

-- Carrier updates rewrite these columns only (ShipmentRepository.recordCarrierStatus); they must
-- refresh the order's facts as sync outcomes do.
DROP TRIGGER shipments_ops_refresh ON shipments;
CREATE TRIGGER shipments_ops_refresh
    AFTER UPDATE OF status, sync_status, synced_at, carrier_status, carrier_last_event_at ON shipments
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.sync_status IS DISTINCT FROM NEW.sync_status
                       OR OLD.synced_at IS DISTINCT FROM NEW.synced_at
                       OR OLD.carrier_status IS DISTINCT FROM NEW.carrier_status
                       OR OLD.carrier_last_event_at IS DISTINCT FROM NEW.carrier_last_event_at)
    EXECUTE FUNCTION order_ops_refresh_trigger();

-- Orders whose shipments already carry carrier data.
SELECT order_ops_refresh(order_id) FROM (SELECT DISTINCT order_id FROM shipments WHERE carrier_last_event_at IS NOT NULL) AS carried;
