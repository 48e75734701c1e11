"""The `discovery` command: the operator's commands (discovery/ops) with the proving harness's
(bench, soak) and the platform's page (`discovery web`). The only module outside the tests that
imports the proving and web rooms."""

from __future__ import annotations

from discovery.ops.cli import cli
from discovery.proving import commands as proving
from discovery.web.cli import web

__all__ = ["cli", "main"]  # cli: python -m discovery.seed runs the same group

for _command in proving.COMMANDS:
    cli.add_command(_command)
cli.add_command(web)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
