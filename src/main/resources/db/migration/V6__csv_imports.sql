-- CSV shipment imports: one row per upload, with its per-row report, so a client retry with the
-- same Idempotency-Key gets the first report back and an operator can retry an import's failed shipments.
CREATE TABLE shipment_imports (
    id                BIGSERIAL PRIMARY KEY,
    created_by        TEXT        NOT NULL,
    -- The vendor of the uploading key (NULL for operators): a vendor key sees only its vendor's imports.
    vendor_id         BIGINT      REFERENCES vendors (id) ON DELETE SET NULL,
    idempotency_key   TEXT,
    -- SHA-256 of the uploaded bytes: the same key with another file is refused.
    file_fingerprint  TEXT        NOT NULL,
    row_count         INTEGER,
    accepted_count    INTEGER,
    rejected_count    INTEGER,
    shipments_created INTEGER,
    -- The report as answered; NULL while the import runs (or if it was interrupted).
    report            JSONB,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    completed_at      TIMESTAMPTZ,
    CHECK ((report IS NULL) = (completed_at IS NULL))
);
CREATE UNIQUE INDEX shipment_imports_idempotency ON shipment_imports (created_by, idempotency_key)
    WHERE idempotency_key IS NOT NULL;

-- The import that registered the shipment (NULL for shipments registered one by one).
ALTER TABLE shipments ADD COLUMN import_id BIGINT REFERENCES shipment_imports (id) ON DELETE SET NULL;
CREATE INDEX shipments_import ON shipments (import_id) WHERE import_id IS NOT NULL;
