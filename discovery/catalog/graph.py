"""The collaboration graph: artists and producers as nodes, an edge wherever they share credited
tracks, weighted by how many (artist–producer: the producer's tracks of that artist;
producer–producer: tracks both are credited on)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from itertools import combinations
from typing import Any

import networkx as nx
import psycopg

from discovery.catalog import producer_page
from discovery.catalog.report import ArtistNotKnown
from discovery.pgmq.sql import queries


def _artist_node(spotify_id: str) -> str:
    return f"artist_{spotify_id}"


def _producer_node(producer_id: int) -> str:
    return f"producer_{producer_id}"


def of_artist(database_url: str, artist: str) -> nx.Graph[str]:
    """The artist, every producer credited on their tracks, and the producers' shared tracks."""
    with psycopg.connect(database_url) as conn:
        row = conn.execute(queries("report.sql")["find_artist"], {"name": artist}).fetchone()
        if row is None:
            raise ArtistNotKnown(f"no artist named {artist!r} has been discovered yet")
        spotify_id, name = row
        credits = conn.execute(queries("producers.sql")["artist_graph_credits"], {"spotify_id": spotify_id}).fetchall()
    graph: nx.Graph[str] = nx.Graph()
    graph.add_node(_artist_node(spotify_id), label=name, kind="artist")
    tracks_of: dict[int, set[int]] = defaultdict(set)
    on_track: dict[int, set[int]] = defaultdict(set)
    for track_id, producer_id, producer_name in credits:
        graph.add_node(_producer_node(producer_id), label=producer_name, kind="producer")
        tracks_of[producer_id].add(track_id)
        on_track[track_id].add(producer_id)
    for producer_id, tracks in tracks_of.items():
        graph.add_edge(_artist_node(spotify_id), _producer_node(producer_id), weight=len(tracks))
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for producers in on_track.values():
        for pair in combinations(sorted(producers), 2):
            shared[pair] += 1
    for (first, second), weight in shared.items():
        graph.add_edge(_producer_node(first), _producer_node(second), weight=weight)
    return graph


def of_producer(database_url: str, **which: Any) -> nx.Graph[str]:
    """The producer, the artists they worked with and their collaborators (their page)."""
    page = producer_page.build(database_url, **which)
    return producer_graph(page["producer"], page["artists"], page["collaborators"])


def producer_graph(
    producer: Mapping[str, Any], artists: Iterable[Mapping[str, Any]], collaborators: Iterable[Mapping[str, Any]]
) -> nx.Graph[str]:
    """A producer at the centre, an edge to each artist (weight: their tracks) and to each
    collaborator (weight: shared tracks); artists carry spotify_id, name, tracks, collaborators
    id, name, shared_tracks."""
    centre = _producer_node(producer["id"])
    graph: nx.Graph[str] = nx.Graph()
    graph.add_node(centre, label=producer["name"], kind="producer")
    for artist in artists:
        graph.add_node(_artist_node(artist["spotify_id"]), label=artist["name"], kind="artist")
        graph.add_edge(centre, _artist_node(artist["spotify_id"]), weight=artist["tracks"])
    for other in collaborators:
        node = _producer_node(other["id"])
        graph.add_node(node, label=other["name"], kind="producer")
        graph.add_edge(centre, node, weight=other["shared_tracks"])
    return graph
