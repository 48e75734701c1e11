"""Logging: one line per event with its fields; JSON when DISCOVERY_LOG_FORMAT=json."""

from __future__ import annotations

import json
import logging
import os
import re
from typing import Any

# Attributes every LogRecord has; anything else was passed with `extra=` and is a field.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in record.__dict__.items() if k not in _STANDARD}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **_fields(record),
        }
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


# Controls (CR and LF among them, ESC, BEL) and bidirectional overrides, in a text log line.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def one_line(text: str) -> str:
    """`text` with controls written as escapes (`\\n`, `\\x1b`): a name from outside can neither
    forge a log line nor drive the terminal that tails the log."""
    return _CONTROLS.sub(lambda found: found.group().encode("unicode_escape").decode("ascii"), text)


class TextFormatter(logging.Formatter):
    """`time level logger: message field=value ...`, one line per event (a traceback follows on
    lines of its own)."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        record.message = one_line(record.message)
        return super().formatMessage(record)

    def format(self, record: logging.LogRecord) -> str:
        base = super().format(record)
        fields = " ".join(f"{k}={one_line(str(v))}" for k, v in _fields(record).items())
        if not fields:
            return base
        head, newline, traceback = base.partition("\n")
        return f"{head} {fields}{newline}{traceback}"


def formatter() -> logging.Formatter:
    if os.environ.get("DISCOVERY_LOG_FORMAT", "text").lower() == "json":
        return JsonFormatter()
    return TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")


_HANDLER_NAME = "discovery"  # ours, so a second configure_logging adds no second handler


def configure_logging(level: int | str = logging.INFO) -> None:
    root = logging.getLogger()
    if any(h.get_name() == _HANDLER_NAME for h in root.handlers):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(formatter())
    handler.set_name(_HANDLER_NAME)
    root.addHandler(handler)
    root.setLevel(level)
