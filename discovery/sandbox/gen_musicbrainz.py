"""MusicBrainz recordings found by ISRC, their producer, engineer and musician relations, and the
producers' artist objects with their aliases."""

from __future__ import annotations

from discovery.sandbox.gen_cast import Cast
from discovery.sandbox.gen_model import Builder, Json, Person, Recording

MB_TYPE_IDS = {
    "producer": "5c0ceac3-feb4-41f0-868d-dc06f6e27fc0",
    "engineer": "5dcc52af-7064-4051-8d62-7d80f4c3c907",
    "instrument": "59054b12-01ac-43ee-a618-285fd397e461",
    "mix": "3e3102e1-1896-4f50-b5b2-dd9824e46efe",
    "vocal": "0fdbe3c6-7700-4a31-ae54-b53f06ae1cfa",
}
MB_ROLE = {
    (): "producer",
    ("co",): "co-producer",
    ("additional",): "additional producer",
    ("executive",): "executive producer",
}


def _sort_name(name: str) -> str:
    parts = name.split()
    return f"{parts[-1]}, {' '.join(parts[:-1])}" if len(parts) > 1 else name


def _relation(kind: str, person: Person, attributes: list[str]) -> Json:
    return {
        "attribute-values": {},
        "attributes": attributes,
        "begin": None,
        "direction": "backward",
        "end": None,
        "ended": False,
        "source-credit": "",
        "target-credit": "",
        "target-type": "artist",
        "type": kind,
        "type-id": MB_TYPE_IDS[kind],
        "artist": {
            "disambiguation": "",
            "id": person.mbid,
            "name": person.mb_name or person.name,
            "sort-name": _sort_name(person.mb_name or person.name),
        },
    }


def mb_recording(
    builder: Builder,
    cast: Cast,
    recording: Recording,
    producers: list[tuple[Person, list[str]]],
) -> list[tuple[Person, list[str]]]:
    """A MusicBrainz recording of the ISRC; its producer relations in the order it lists them."""
    rng = builder.rng
    tagged = [
        (_relation("producer", person, attributes), (person, attributes))
        for person, attributes in producers
    ]
    relations = [relation for relation, _ in tagged]
    for person, _ in producers:
        builder.mb_artists.setdefault(str(person.mbid), person)
    relations.append(_relation("engineer", rng.choice(cast.engineers), []))
    relations.append(_relation("mix", rng.choice(cast.engineers), []))
    relations.append(
        _relation(
            "instrument",
            rng.choice(cast.musicians),
            [rng.choice(["guitar", "bass guitar", "drums (drum set)"])],
        )
    )
    rng.shuffle(relations)
    order = {id(relation): index for index, relation in enumerate(relations)}
    tagged.sort(key=lambda pair: order[id(pair[0])])
    target = recording.artist
    builder.catalog["musicbrainz"]["recordings"].append(
        {
            "artist-credit": [
                {
                    "artist": {
                        "disambiguation": "",
                        "id": target.mbid,
                        "name": target.name,
                        "sort-name": target.name,
                    },
                    "joinphrase": "",
                    "name": target.name,
                }
            ],
            "disambiguation": "",
            "first-release-date": f"{2000 + rng.randrange(25)}",
            "id": builder.mbid(),
            "isrcs": [recording.isrc],
            "length": recording.duration_ms,
            "relations": relations,
            "title": recording.title,
            "video": False,
        }
    )
    return [producer for _, producer in tagged]


def mb_artist_object(person: Person) -> Json:
    """ws/2/artist/{mbid}: the artist, with its aliases (served with inc=aliases)."""
    name = person.mb_name or person.name
    return {
        "aliases": [
            {
                "begin": None,
                "end": None,
                "ended": False,
                "locale": None,
                "name": alias,
                "primary": None,
                "sort-name": _sort_name(alias),
                "type": "Artist name",
                "type-id": "894afba6-2816-3c24-8072-eadb66bd04bc",
            }
            for alias in person.mb_aliases
        ],
        "disambiguation": "",
        "id": person.mbid,
        "name": name,
        "sort-name": _sort_name(name),
        "type": "Person",
        "type-id": "b6e035f4-3ce9-331c-97df-83397230b0df",
    }
