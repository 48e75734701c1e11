"""`discovery sandbox`: placeholder until the sandbox server lands (issue 3)."""

from __future__ import annotations

import click


@click.group()
def sandbox() -> None:
    """Run or generate data for the offline API sandbox."""
