"""`python -m discovery.seed "Artist Name" [--spotify-id ID]`: the same as `discovery seed`."""

from __future__ import annotations

import sys

from discovery.cli import cli

if __name__ == "__main__":
    # Through the group, so an environment problem is one line here too.
    cli(["seed", *sys.argv[1:]], prog_name="python -m discovery.seed")
