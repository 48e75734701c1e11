"""The music domain: store (idempotent upserts, each a named query), credit rules, name
normalisation and the per-artist report."""
