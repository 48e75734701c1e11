"""requests' environment settings (proxies, CA bundle) read once per host (clients/environment),
with the same outcome as requests' own per-request reading."""

from __future__ import annotations

import pytest
import requests

from discovery.clients.environment import SettledEnvironment


def settings_of(session: requests.Session, url: str) -> dict[str, object]:
    return dict(session.merge_environment_settings(url, {}, None, None, None))


def https_proxy(session: requests.Session, url: str) -> object:
    proxies = settings_of(session, url)["proxies"]
    assert isinstance(proxies, dict)
    return proxies.get("https")


def test_the_environment_s_proxy_and_bundle_apply_as_requests_applies_them(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a proxy, a host that bypasses it and a CA bundle in the environment
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "internal.example")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/bundle.pem")
    settled, plain = SettledEnvironment(), requests.Session()

    # When each session settles a call to a proxied host and to the bypassed one
    for url in ("https://api.genius.com/search?q=a", "https://internal.example/x"):
        # Then both agree
        assert settings_of(settled, url) == settings_of(plain, url)
    assert https_proxy(settled, "https://api.genius.com/songs/1") == "http://proxy.example:3128"
    assert https_proxy(settled, "https://internal.example/y") is None
    assert settings_of(settled, "https://api.genius.com/songs/1")["verify"] == "/etc/ssl/bundle.pem"


def test_the_environment_is_read_once_per_host(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a session that has settled a call to one host
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    session = SettledEnvironment()
    settings_of(session, "https://api.genius.com/search?q=a")

    # When the environment changes (it does not, in a running worker) and another path is asked
    monkeypatch.setenv("HTTPS_PROXY", "http://other.example:3128")

    # Then the host's settled answer is used; a new host reads the environment
    assert https_proxy(session, "https://api.genius.com/songs/2") == "http://proxy.example:3128"
    assert https_proxy(session, "https://musicbrainz.org/ws/2") == "http://other.example:3128"


def test_a_session_that_does_not_trust_the_environment_reads_none_of_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    session = SettledEnvironment()
    session.trust_env = False
    assert https_proxy(session, "https://api.genius.com/search") is None
