"""The answer key: every track's expected credits and outcome, every producer's ids and socials."""

from __future__ import annotations

from discovery.sandbox.gen_model import Json, Recording, Target


def truth(targets: list[Target], recordings: list[Recording]) -> Json:
    tracks: dict[str, list[Json]] = {}
    outcomes: dict[str, Json] = {}
    producers: dict[str, Json] = {}
    for recording in recordings:
        credits = [
            {"producer": person.name, "role": role, "source": source}
            for person, role, source in recording.credits
        ]
        outcome: Json = {"outcome": recording.expected_outcome}
        if recording.expected_reason:
            outcome["rejected_because"] = recording.expected_reason
        for track_id in recording.track_ids:
            tracks[track_id] = credits
            outcomes[track_id] = outcome
        for person, _, source in recording.credits:
            entry = producers.setdefault(person.name, {"genius_id": None, "musicbrainz_id": None})
            if source == "genius":
                entry["genius_id"] = person.genius_id
                entry["person"] = person
            else:
                entry["musicbrainz_id"] = person.mbid
    for entry in producers.values():
        person = entry.pop("person", None)
        has_profile = person is not None and person.profile is not None
        entry["socials"] = {
            "instagram": person.instagram if person else None,
            "twitter": person.twitter if person else None,
            "facebook": person.facebook if person else None,
            "instagram_followers": person.profile["follower_count"] if has_profile else None,
            "instagram_verified": person.profile["is_verified"] if has_profile else None,
        }
    return {
        "artists": [{"name": t.name, "spotify_id": t.spotify["id"]} for t in targets],
        "tracks": dict(sorted(tracks.items())),
        "producers": dict(sorted(producers.items())),
        "outcomes": dict(sorted(outcomes.items())),
    }
