"""Other recordings of a song (live takes, a demo, an acoustic version, a re-recording): each has
its own ISRC and, where Genius has a page for it, its own page and producers.

The traps, each while a seed artist has two plain Genius-credited studio recordings left (the
first such artist first): a planned recording of that artist becomes another version of a
studio recording of it (the same title, a version suffix on Spotify).
- `live_page`: Genius has a "(Live)" page with its own producer, with more page views than the
  studio page: the studio track keeps the studio credits, the live track takes the live page's.
- `live_mb`: no live page on Genius; MusicBrainz has the live ISRC with a producer: those
  credits, never the studio page's.
- `live_nothing`: no live page and no MusicBrainz recording: no credits at all.
- `demo`, `acoustic`, `re_recording`: a page of that version ("(Demo)", "(Acoustic Version)",
  "(Nova’s Version)") with its own producer, ranked above the studio page.
"""

from __future__ import annotations

import random

from discovery.sandbox.gen_model import Recording, Target

VERSION_TRAPS = ("live_page", "live_mb", "live_nothing", "demo", "acoustic", "re_recording")
# A version page's page views are above any studio page's (those stay below 400,001).
VERSION_PAGEVIEWS = (400_001, 900_000)


def spotify_version_name(recording: Recording) -> str | None:
    """The Spotify title of a version recording, or None for a studio recording."""
    title, version = recording.title, recording.version
    owner = recording.artist.name.split()[0]
    return {
        "live_page": f"{title} - Live",
        "live_mb": f"{title} - Live at the Roundhouse",
        "live_nothing": f"{title} (Live)",
        "demo": f"{title} - Demo",
        "acoustic": f"{title} - Acoustic",
        "re_recording": f"{title} ({owner}'s Version)",
    }.get(version or "")


def genius_version_title(recording: Recording) -> str | None:
    """The title of the Genius page of a version recording, None where Genius has none."""
    title, version = recording.title, recording.version
    owner = recording.artist.name.split()[0]
    return {
        "live_page": f"{title} (Live)",
        "demo": f"{title} (Demo)",
        "acoustic": f"{title} (Acoustic Version)",
        "re_recording": f"{title} ({owner}\u2019s Version)",
    }.get(version or "")


def assign_versions(rng: random.Random, targets: list[Target]) -> None:
    """Turn planned recordings into versions of a studio recording of the same seed artist: each
    trap takes two plain Genius-credited recordings of one artist, while some artist has them."""
    free = {
        id(target): [
            r for r in target.recordings[1:] if r.decoration == "plain" and r.scenario == "genius_producer"
        ]
        for target in targets
    }
    for kind in VERSION_TRAPS:
        able = [target for target in targets if len(free[id(target)]) >= 2]
        if not able:
            return
        pool = free[id(able[0])]
        original, version = rng.sample(pool, 2)
        pool.remove(original)
        pool.remove(version)
        version.title = original.title
        version.version = kind
        version.scenario = f"version_{kind}"
