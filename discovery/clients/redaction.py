"""Keep credentials out of log lines written by the libraries under the clients.

spotipy logs request headers at DEBUG (the bearer token, and the Basic credentials of the token
request). A filter on those loggers rewrites such lines before any handler sees them.
"""

from __future__ import annotations

import logging
import re

_SECRET_PATTERNS = (
    re.compile(r"(?i)(bearer|basic)(\s+)[A-Za-z0-9._~+/=-]+"),
    re.compile(
        r"(?i)(['\"]?(?:access_token|client_secret|refresh_token)['\"]?\s*[:=]\s*)(['\"]?)[^'\",}\s]+"
    ),
    re.compile(r"(?i)(['\"]?(?:authorization|x-access-key)['\"]?\s*[:=]\s*)(['\"]?)[^'\",}]+"),
)
# Loggers that may print credentials; a logger's filters apply only to its own records.
NOISY_LOGGERS = ("spotipy", "spotipy.client", "spotipy.oauth2", "spotipy.cache_handler")


class RedactSecrets(logging.Filter):
    """Replaces tokens and keys in a record's message by ***."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the handler's own error path
            return True
        redacted = redact(message, self.secrets)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    text = _SECRET_PATTERNS[0].sub(r"\1\2***", text)
    text = _SECRET_PATTERNS[1].sub(r"\1\2***", text)
    text = _SECRET_PATTERNS[2].sub(r"\1\2***", text)
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


_installed: dict[str, RedactSecrets] = {}


def install(secrets: tuple[str, ...] = ()) -> None:
    """Add the filter to the noisy loggers once per process; later calls add more secrets."""
    for name in NOISY_LOGGERS:
        current = _installed.get(name)
        if current is None:
            current = _installed[name] = RedactSecrets()
            logging.getLogger(name).addFilter(current)
        current.secrets = tuple(dict.fromkeys(current.secrets + tuple(s for s in secrets if s)))
