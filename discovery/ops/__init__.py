"""The operator's room: the `discovery` command and what its subcommands drive (status, dead letters,
the exporter, the demo, seeding and following progress, local process supervision)."""
