"""The proving room: the harness that measures and proves the system (the bench, the chaos soak,
its faults and answer keys, scratch databases, the sandbox in a process of its own). It uses every
room below it; only the command entry point (discovery/cli.py) and the tests import it."""
