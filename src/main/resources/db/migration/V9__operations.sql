-- Order edits: order_line_items.quantity now holds the line's current quantity (Shopify's
-- current_quantity / LineItem.currentQuantity: ordered minus units removed by an order edit or
-- refunded), so every limit computed from it (shipment registration, remaining to ship) follows
-- edits; a removed line has 0. The quantity originally ordered is kept beside it.
ALTER TABLE order_line_items ADD COLUMN ordered_quantity INTEGER CHECK (ordered_quantity >= 0);
UPDATE order_line_items SET ordered_quantity = quantity;
ALTER TABLE order_line_items ALTER COLUMN ordered_quantity SET NOT NULL;
COMMENT ON COLUMN order_line_items.quantity IS 'current quantity: ordered minus removed (order edits) and refunded units';
COMMENT ON COLUMN order_line_items.ordered_quantity IS 'quantity originally ordered (Shopify quantity)';
