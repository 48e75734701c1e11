"""What requests reads from the environment for every request (proxies, CA bundle), read once per
host instead.

With `trust_env` (requests' default, kept so HTTPS_PROXY, NO_PROXY and REQUESTS_CA_BUNDLE work),
every request walks the whole process environment to find proxy settings and checks the host
against NO_PROXY: about a tenth of a call's CPU in the client stack (benchmarks/profile_messages.py).
A worker's environment does not change while it runs, and what requests decides depends only on
the URL's scheme and host, so the decision is kept per host.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.sessions import merge_setting as _untyped_merge_setting
from requests.utils import get_environ_proxies

# requests' own merge of a request's setting with the session's (untyped in its stubs).
merge_setting: Callable[[Any, Any], Any] = _untyped_merge_setting


class SettledEnvironment(requests.Session):
    """A requests session that reads the environment's proxy and CA settings once per host."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._environment: dict[tuple[str, str, str | None], tuple[dict[str, str], str | None]] = {}
        self._environment_lock = threading.Lock()

    def _from_environment(self, url: str, no_proxy: str | None) -> tuple[dict[str, str], str | None]:
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc, no_proxy)
        with self._environment_lock:
            found = self._environment.get(key)
            if found is None:
                bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
                found = self._environment[key] = (get_environ_proxies(url, no_proxy=no_proxy), bundle)
            return found

    def merge_environment_settings(  # type: ignore[override]  # requests' stubs type the arguments more narrowly
        self, url: str, proxies: dict[str, str] | None, stream: Any, verify: Any, cert: Any
    ) -> dict[str, Any]:
        """requests.Session's own, with the environment's part looked up once per host."""
        if not self.trust_env:
            return dict(super().merge_environment_settings(url, proxies, stream, verify, cert))
        proxies = dict(proxies or {})
        env_proxies, bundle = self._from_environment(url, proxies.get("no_proxy"))
        for scheme, proxy in env_proxies.items():
            proxies.setdefault(scheme, proxy)
        if (verify is True or verify is None) and bundle:
            verify = bundle
        return {
            "proxies": merge_setting(proxies, self.proxies),
            "stream": merge_setting(stream, self.stream),
            "verify": merge_setting(verify, self.verify),
            "cert": merge_setting(cert, self.cert),
        }
