-- Carrier tracking (Ship24) matched to purchase orders, orphans and manual links (issue #11, sections 3 and 4).
-- The link of a tracked shipment to its PO, and its order's shipment stats, are kept here in the database so
-- that they hold whatever code path writes purchase_orders or tracked_shipments (the platform sync, the
-- Ship24 handler, a manual link, an operator's SQL).

-- 'reference': purchase_order_id follows po_number (the normalised carrier reference);
-- 'manual': an operator linked it with POST /platform/shipments/{id}/link, and carrier updates keep it.
ALTER TABLE tracked_shipments
    ADD COLUMN link_source TEXT NOT NULL DEFAULT 'reference' CHECK (link_source IN ('reference', 'manual'));
ALTER TABLE tracking_events ADD COLUMN status_category TEXT;
ALTER TABLE tracked_shipment_links ADD COLUMN actor_name TEXT;
CREATE INDEX tracked_shipment_links_shipment ON tracked_shipment_links (shipment_id, id DESC);

-- The carrier's view of a vendor shipment (fulfillment side), from the tracking events with its tracking number.
ALTER TABLE shipments
    ADD COLUMN carrier_status          TEXT,
    ADD COLUMN carrier_status_code     TEXT,
    ADD COLUMN carrier_last_event_at   TIMESTAMPTZ;
COMMENT ON COLUMN shipments.carrier_status IS 'Ship24 statusMilestone of the newest carrier event with this tracking number';
COMMENT ON COLUMN shipments.carrier_last_event_at IS 'occurrence time of that event';
-- Vendors type tracking numbers with dashes and spaces; carriers send them bare.
CREATE INDEX shipments_tracking_key ON shipments (upper(regexp_replace(tracking_number, '[^[:alnum:]]', '', 'g')));

-- One order's shipment stats from the Ship24 statusMilestone of each shipment linked to one of its POs:
-- delivered = 'delivered'; exception = 'exception' or 'failed_attempt'; in transit = any other milestone
-- (pending, info_received, in_transit, out_for_delivery, available_for_pickup) or none yet.
-- derived_status: no shipments → no_shipments; any exception → exception; all delivered → delivered;
-- some delivered → partially_delivered; else in_transit.
CREATE FUNCTION platform_order_stats_refresh(p_order BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF p_order IS NULL THEN
        RETURN;
    END IF;
    -- Lock first, count after: under READ COMMITTED the counting statement then sees every shipment a
    -- concurrent transaction committed while this one waited, so two links to one order never lose one.
    PERFORM 1 FROM platform_orders WHERE id = p_order FOR UPDATE;
    WITH s AS (
        SELECT count(*)::int AS total,
               (count(*) FILTER (WHERE t.status_milestone = 'delivered'))::int AS delivered,
               (count(*) FILTER (WHERE t.status_milestone IN ('exception', 'failed_attempt')))::int AS exception
        FROM tracked_shipments t JOIN purchase_orders po ON po.id = t.purchase_order_id
        WHERE po.order_id = p_order),
    f AS (
        SELECT total, delivered, exception, total - delivered - exception AS in_transit,
               CASE WHEN total = 0 THEN 'no_shipments'
                    WHEN exception > 0 THEN 'exception'
                    WHEN delivered = total THEN 'delivered'
                    WHEN delivered > 0 THEN 'partially_delivered'
                    ELSE 'in_transit' END AS derived
        FROM s)
    UPDATE platform_orders o
    SET shipments_total = f.total, shipments_in_transit = f.in_transit, shipments_delivered = f.delivered,
        shipments_exception = f.exception, derived_status = f.derived
    FROM f
    WHERE o.id = p_order
      AND (o.shipments_total, o.shipments_in_transit, o.shipments_delivered, o.shipments_exception, o.derived_status)
          IS DISTINCT FROM (f.total, f.in_transit, f.delivered, f.exception, f.derived);
END
$$;

-- A shipment linked by reference belongs to the PO with its po_number, if there is one.
CREATE FUNCTION tracked_shipment_resolve_po() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.link_source = 'reference' THEN
        NEW.purchase_order_id := (SELECT id FROM purchase_orders WHERE po_number = NEW.po_number);
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER tracked_shipments_resolve_po BEFORE INSERT OR UPDATE OF po_number, link_source ON tracked_shipments
    FOR EACH ROW EXECUTE FUNCTION tracked_shipment_resolve_po();

-- The order(s) a shipment belonged to before and belongs to now get fresh stats, lower order id first
-- so two transactions moving shipments between the same orders lock them in the same order.
CREATE FUNCTION tracked_shipment_refresh_orders() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_order BIGINT;
    new_order BIGINT;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        old_order := (SELECT order_id FROM purchase_orders WHERE id = OLD.purchase_order_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_order := (SELECT order_id FROM purchase_orders WHERE id = NEW.purchase_order_id);
    END IF;
    IF old_order IS NOT DISTINCT FROM new_order THEN
        PERFORM platform_order_stats_refresh(new_order);
    ELSE
        PERFORM platform_order_stats_refresh(least(old_order, new_order));
        PERFORM platform_order_stats_refresh(greatest(old_order, new_order));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER tracked_shipments_refresh_orders AFTER INSERT OR DELETE ON tracked_shipments
    FOR EACH ROW EXECUTE FUNCTION tracked_shipment_refresh_orders();
-- Status updates rewrite shipments often; only a change of link or milestone refreshes the order.
CREATE TRIGGER tracked_shipments_refresh_orders_on_change AFTER UPDATE OF purchase_order_id, status_milestone
    ON tracked_shipments
    FOR EACH ROW WHEN (OLD.purchase_order_id IS DISTINCT FROM NEW.purchase_order_id
                       OR OLD.status_milestone IS DISTINCT FROM NEW.status_milestone)
    EXECUTE FUNCTION tracked_shipment_refresh_orders();

-- A PO that arrives (or is renumbered) takes the orphans waiting with its number; shipments linked by a
-- reference that no longer matches become orphans again; manual links follow the PO and its new number.
-- A PO moved to another order, or deleted, refreshes the orders involved.
CREATE FUNCTION purchase_order_link_shipments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM platform_order_stats_refresh(OLD.order_id);
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.po_number IS DISTINCT FROM NEW.po_number THEN
        UPDATE tracked_shipments SET purchase_order_id = NULL, updated_at = now()
        WHERE purchase_order_id = NEW.id AND link_source = 'reference' AND po_number IS DISTINCT FROM NEW.po_number;
        UPDATE tracked_shipments SET po_number = NEW.po_number, updated_at = now()
        WHERE purchase_order_id = NEW.id AND link_source = 'manual';
    END IF;
    IF TG_OP = 'INSERT' OR OLD.po_number IS DISTINCT FROM NEW.po_number THEN
        UPDATE tracked_shipments SET purchase_order_id = NEW.id, updated_at = now()
        WHERE po_number = NEW.po_number AND purchase_order_id IS NULL AND link_source = 'reference';
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.order_id IS DISTINCT FROM NEW.order_id THEN
        PERFORM platform_order_stats_refresh(least(OLD.order_id, NEW.order_id));
        PERFORM platform_order_stats_refresh(greatest(OLD.order_id, NEW.order_id));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER purchase_orders_link_shipments AFTER INSERT OR DELETE OR UPDATE OF po_number, order_id ON purchase_orders
    FOR EACH ROW EXECUTE FUNCTION purchase_order_link_shipments();
