"""The README and docs/operating.md say what happens under throttling and how to read it in
`discovery status`; the columns the docs name are the ones status prints."""

from __future__ import annotations

import re
from pathlib import Path

from rich.console import Console

from discovery.ops import status
from discovery.settings import QUEUE_POOLS

ROOT = Path(__file__).resolve().parents[2]
OPERATING = (ROOT / "docs" / "operating.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def throttling_section() -> str:
    match = re.search(r"^## Throttling: waiting is not failing\n(.*?)^## ", OPERATING, re.M | re.S)
    assert match, "docs/operating.md has a Throttling section"
    return match.group(1)


def test_the_operating_guide_says_what_happens_under_each_kind_of_hold():
    section = throttling_section()
    for words in ("no attempt", "rate window", "breaker", "quota", "credential", "DISCOVERY_MAX_ATTEMPTS",
                  "message_attempts", "DISCOVERY_LEASE_S", "DISCOVERY_CREDENTIAL_RECHECK_S",
                  "check\n  GENIUS_ACCESS_TOKEN", "exit 1"):
        assert words in section, words


def test_the_readme_explains_waiting_is_not_failing_and_links_the_section():
    assert "Waiting is not failing" in README
    assert "(docs/operating.md#throttling-waiting-is-not-failing)" in README
    for setting in ("DISCOVERY_LEASE_S", "DISCOVERY_CREDENTIAL_RECHECK_S", "DISCOVERY_MAX_ATTEMPTS"):
        assert f"`{setting}`" in README, setting


def test_the_status_columns_the_guide_names_are_the_ones_status_prints():
    named = re.findall(r"\*([a-z0-9 ]+)\*", throttling_section().split("Reading it in `discovery status`:")[1])
    queues = {queue: status.QueueStatus(queue, pool) for queue, pool in QUEUE_POOLS.items()}
    pools = {pool: status.PoolStatus(pool, queue, []) for queue, pool in QUEUE_POOLS.items()}
    shown = status.Status("now", queues, {"spotify": status.ApiStatus("spotify")}, pools, [],
                          status.SpotifyMode("auto", "extended"))
    console = Console(width=300, record=True)
    console.print(status.render(shown))
    printed = console.export_text()

    assert {"throttled 1h", "failed 1h", "retrying", "paused by", "paused for", "rate limit used"} <= set(named)
    for column in named:
        assert column in printed, column
    assert "Spotify quota mode: extended" in printed


def real_apis_section() -> str:
    match = re.search(r"^## Before you point it at the real APIs\n(.*?)^## ", OPERATING, re.M | re.S)
    assert match, "docs/operating.md has a 'Before you point it at the real APIs' section"
    return match.group(1)


def test_the_operating_guide_says_what_to_set_before_the_real_apis_and_what_each_hold_looks_like():
    import requests

    from discovery.clients.refusals import service_refusal
    from discovery.sandbox.refusals import cloudflare_challenge, premium_required

    section = " ".join(real_apis_section().split())
    for words in ("SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET", "GENIUS_ACCESS_TOKEN", "Premium", "MUSICBRAINZ_CONTACT",
                  "SPOTIFY_MARKET", "SPOTIFY_QUOTA_MODE=development", "`refused`", "`rate`", "`quota`", "`credential`"):
        assert words in section, words
    # The reasons it shows are the ones the clients give for the sandbox's answers.
    for api, reply in (("spotify", premium_required()), ("genius", cloudflare_challenge())):
        answer = requests.Response()
        answer.status_code, answer._content = reply.status, reply.encoded()
        answer.headers.update({"Content-Type": reply.content_type, **reply.headers})
        reason = service_refusal(api, answer)
        assert reason and f"(refused: {reason})" in section, reason
