"""`python -m discovery.seed "Artist Name" [--spotify-id ID]`: the same as `discovery seed`."""

from __future__ import annotations

from discovery.ops.cli import seed

if __name__ == "__main__":
    seed(prog_name="python -m discovery.seed")
