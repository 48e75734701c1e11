"""What `seed --follow` shows: counts and stages only move forward, and a wait says why."""

from __future__ import annotations

from datetime import UTC, datetime

from discovery.ops.progress import Snapshot, forward_only


def test_a_look_that_sees_fewer_never_shows_fewer_and_done_stays_done():
    # Given a line that already showed the artist done with 4 tracks
    shown = Snapshot("done", "Nova", albums=2, tracks=4, recordings_done=3, recordings_known=3, spotify_id="x")

    # When the next look (a re-discovery starting) sees less and says "discovering"
    later = forward_only(shown, Snapshot("discovering", "Nova", albums=1, tracks=2, waiting=1, spotify_id="x"))

    # Then nothing goes back
    assert (later.stage, later.albums, later.tracks, later.recordings_done) == ("done", 2, 4, 3)
    assert later.waiting == 1


def test_a_retry_says_when_and_why_and_retried_is_not_failed():
    look = Snapshot(
        "discovering", "Nova", spotify_id="x", waiting=1, retried=1, elapsed_s=75,
        next_retry=datetime(2026, 1, 1, 12, 0, 5, tzinfo=UTC), paused="spotify (rate-limit hold for 8s)",
    )

    line = look.line()

    assert line.startswith("Nova: discovering (1m15s); ")
    assert "retried 1, failed 0" in line and "next retry at " in line
    assert line.endswith("waiting on spotify (rate-limit hold for 8s)")


def test_not_found_is_its_own_outcome_with_the_reason():
    line = Snapshot("not found", "Nobdy", reason="no Spotify artist named exactly 'Nobdy'", elapsed_s=3).line()

    assert line == "Nobdy: not found (3s): no Spotify artist named exactly 'Nobdy'"


def test_a_waiting_seed_says_how_much_interactive_work_is_ahead_and_a_finished_one_does_not():
    waiting = Snapshot("waiting", "Person", ahead=12)
    one = Snapshot("waiting", "Person", ahead=1)
    done = Snapshot("done", "Person", spotify_id="x" * 22, ahead=3)

    assert waiting.line().endswith("waiting (0s); 12 interactive messages ahead")
    assert one.line().endswith("; 1 interactive message ahead")
    assert "ahead" not in done.line()
