-- The product registry's record of each derived product's last build (basewatch.products).
CREATE TABLE product_state (
    product      VARCHAR PRIMARY KEY,
    fingerprint  VARCHAR NOT NULL,   -- the product's own rule over its inputs, plus its parameters
    params       JSON NOT NULL,
    built_at     TIMESTAMPTZ NOT NULL,
    summary      JSON NOT NULL       -- {"rows": {table: n}, "seconds": s, "notes": [...]}
);
