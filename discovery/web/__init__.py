"""The platform's page: `discovery web`, routes and templates over the catalog's reads, through the
read-only role discovery_reader."""
