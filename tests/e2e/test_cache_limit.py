"""The HTTP cache at its memory limit: LRU evictions cost API calls, never correctness."""

from __future__ import annotations

import shutil

import pytest
import redis

from discovery.local.processes import Supervisor, free_port
from discovery.proving import answer_key
from discovery.proving.chaos import RedisServer
from discovery.sandbox.generator import generate_catalog
from tests.conftest import service_missing

pytestmark = pytest.mark.integration


def test_with_the_cache_at_its_memory_limit_the_catalog_is_still_discovered_exactly(tmp_path, start_pipeline):
    if shutil.which("redis-server") is None:
        service_missing("redis-server", FileNotFoundError("no redis-server on PATH: the test runs a server of its own"))
    # Given the cache on a Redis of its own with an LRU, bounded to 300 kB above what the server
    # uses empty (about 900 kB for redis-server 7 itself: a fixed "1mb" leaves so little that,
    # with a dozen clients connected, writes are refused before any key can be evicted)
    procs = Supervisor(tmp_path, {})
    cache = RedisServer(procs, "redis-cache", free_port(), tmp_path / "cache",
                        ["--maxmemory-policy", "allkeys-lru"]).start()
    client = redis.Redis.from_url(cache.url)
    client.config_set("maxmemory", int(client.info("memory")["used_memory"]) + 300_000)
    try:
        catalog, truth = generate_catalog(artists=16, albums=2, tracks=4, seed=21, long_album_tracks=0)
        # (in Spotify's Development Mode, the sandbox's default: auto mode switches itself)
        pipeline = start_pipeline(catalog, env={"DISCOVERY_CACHE_URL": cache.url})

        # When the catalog is discovered
        pipeline.discover([artist["name"] for artist in truth["artists"]], timeout_s=180)

        # Then the cache evicted entries and the result is exactly the answer key
        stats, memory = cache.info("stats"), cache.info("memory")
        assert int(stats["evicted_keys"]) > 0, (stats, memory["used_memory"])
        assert answer_key.differences(pipeline.database_url, catalog, truth) == []
    finally:
        procs.stop()
