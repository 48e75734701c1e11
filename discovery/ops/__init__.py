"""The operator's room: the `discovery` commands and what they drive (status, dead letters, the
exporter, the demo, seeding and following progress, reports, producer pages)."""
