"""TypedDicts for the payload fields the workers read (the objects carry more; total=False)."""

from __future__ import annotations

from typing import Any, TypedDict


class SpotifyArtist(TypedDict, total=False):
    id: str
    name: str
    popularity: int
    genres: list[str]
    external_urls: dict[str, str]


class SpotifyPaging(TypedDict, total=False):
    items: list[dict[str, Any]]
    total: int
    next: str | None
    offset: int
    limit: int


class SpotifyAlbum(TypedDict, total=False):
    id: str
    name: str
    album_type: str
    release_date: str
    total_tracks: int
    artists: list[SpotifyArtist]
    tracks: SpotifyPaging


class SpotifyTrack(TypedDict, total=False):
    id: str
    name: str
    artists: list[SpotifyArtist]
    album: SpotifyAlbum
    external_ids: dict[str, str]
    duration_ms: int
    track_number: int


class GeniusSong(TypedDict, total=False):
    id: int
    title: str
    full_title: str
    primary_artist: dict[str, Any]
    producer_artists: list[dict[str, Any]]
    custom_performances: list[dict[str, Any]]
    url: str
    # What the page says of its release, weighed against the track (catalog/page_evidence).
    primary_artists: list[dict[str, Any]]
    featured_artists: list[dict[str, Any]]
    album: dict[str, Any] | None
    release_date: str | None
    release_date_components: dict[str, Any] | None
    media: list[dict[str, Any]]


class GeniusArtist(TypedDict, total=False):
    id: int
    name: str
    instagram_name: str | None
    twitter_name: str | None
    url: str
    alternate_names: list[str]


class MusicBrainzRecording(TypedDict, total=False):
    id: str
    title: str
    isrcs: list[str]
    relations: list[dict[str, Any]]
    releases: list[dict[str, Any]]


class MusicBrainzRelease(TypedDict, total=False):
    id: str
    title: str
    relations: list[dict[str, Any]]


class MusicBrainzArtist(TypedDict, total=False):
    id: str
    name: str
    aliases: list[dict[str, Any]]
    relations: list[dict[str, Any]]


class InstagramProfile(TypedDict, total=False):
    username: str
    full_name: str
    follower_count: int
    following_count: int
    biography: str
    external_url: str | None
    is_verified: bool
    is_private: bool
    profile_pic_url: str
    media_count: int
