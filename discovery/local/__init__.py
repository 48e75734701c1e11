"""Running things on this machine: a small process supervisor, and embedded Postgres and Redis
servers. Used by the operator's demo and dev commands and by the proving harness alike."""
