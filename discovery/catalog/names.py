"""Name and title normalisation: how Spotify, Genius and MusicBrainz spellings are compared.

`normalize_name` decides when two names are "the same name":

- Unicode NFKC (full-width letters, ligatures and the non-breaking spaces U+00A0, U+202F, U+2007
  become their plain forms), then zero-width characters (U+200B-U+200D, U+2060, U+FEFF) and soft
  hyphens are removed outright: Genius puts them inside words ("\\u200bm.A.A.d city"), where a
  space would split the word.
- casefold, so "NOVA", "Nova" and "nova" are one name.
- accents on Latin letters are folded ("Beyoncé" == "Beyonce", "Șerban" == "Serban"): users and
  the three services disagree about them far more often than two different people differ only by
  one. Marks on other scripts are kept (a Japanese dakuten changes the word).
- "&" reads as "and"; apostrophes and full stops are dropped ("Don’t" == "Dont" == "Don't",
  "M.I.A." == "MIA"); any other punctuation or symbol separates words ("Jay-Z" == "Jay Z").
  A name made only of punctuation ("!!!") keeps its punctuation rather than becoming empty.
- whitespace collapsed and trimmed.

`normalize_title` additionally strips what marks a credit or a re-release of the same recording:
"(feat. …)", "(ft. …)", "(with …)", "[with …]", " - feat. …", a bare " feat …", " FEAT. …",
" ft. …" (up to a " - " suffix or a bracket), and version suffixes in either " - …" or bracket
form that name a remaster, a radio edit, a single/album version, mono or stereo (" - Mono
Version"), explicit or clean, a bonus track, a deluxe, expanded, special or anniversary edition,
the "Original Mix", or a soundtrack (' - From "Film Title"'). A suffix that names another recording of the song keeps it apart:
a live take ("Live", "Live at …"), a demo, an acoustic or instrumental version and a
re-recording ("Taylor's Version", "Re-Recorded") become a version mark in the key (any spelling
of one kind is one mark: " - Live at Wembley" and "(Live)" are both "(live)"); a remix, cover or
other version stays in the title, so it only ever matches itself (see `version_key`); another
named mix ("Extended Mix") is such a version.

A title or name written in two scripts ("夜明けのパレード (Yoake no Parade)", "BTS (방탄소년단)")
has a key for each spelling too (`title_keys`, `name_keys`; see `scripts`).
"""

from __future__ import annotations

import re
import unicodedata

from discovery.catalog.scripts import spellings, two_spellings

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_DROPPED = dict.fromkeys(map(ord, "'’‘ʼ`´."))
_SPACES = re.compile(r"\s+")

# Bracketed or dashed credit of other performers: the same recording with its guests named.
_FEAT_BRACKET = re.compile(
    r"\s*[(\[]\s*(?:feat\.?|ft\.?|featuring|with)\s[^)\]]*[)\]]", re.IGNORECASE
)
_FEAT_DASH = re.compile(r"\s+[-–—]\s+(?:feat\.?|ft\.?|featuring)\s.*$", re.IGNORECASE)
# Featuring without brackets ("Song feat Name", "Song FEAT. Name", "Song ft. Name"): up to a
# " - " suffix or a bracket, which may still name a version ("Song ft. X - Live").
_FEAT_BARE = re.compile(
    r"\s+(?:feat\.?|ft\.?|featuring)\s+(?:(?!\s[-–—]\s)[^()\[\]])+", re.IGNORECASE
)

# A suffix naming one of these is the same recording re-released: the same ISRC's credits.
_SAME_RECORDING = re.compile(
    r"\b(?:re-?master(?:ed)?|radio edit|single edit|single version|album version|"
    r"original version|original mix|(?:mono|stereo)(?: version)?|explicit|clean|bonus track|"
    r"(?:deluxe|expanded|special)(?: edition| version)?|"
    r"(?:\d+(?:st|nd|rd|th) )?anniversary(?: edition| version)?)(?!\w)",
    re.IGNORECASE,
)
# ' - From "Film Title"', '(From the Motion Picture "X")': the same recording on a soundtrack.
_FROM_SOUNDTRACK = re.compile(
    r"^\s*from\b.*(?:[\"“”'‘’]|soundtrack|motion picture|film|series|movie|musical)", re.IGNORECASE
)
# A suffix naming one of these is another recording of the song (its own ISRC and, on Genius,
# its own page and producers): it matches only a title of the same kind. First match wins.
VERSION_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("re-recording", re.compile(r"\b(?:\w+['’]?s version|re-?record(?:ed|ing)?)\b", re.IGNORECASE)),
    ("live", re.compile(r"\blive\b", re.IGNORECASE)),
    ("demo", re.compile(r"\bdemo\b", re.IGNORECASE)),
    ("acoustic", re.compile(r"\b(?:acoustic|unplugged)\b", re.IGNORECASE)),
    ("instrumental", re.compile(r"\binstrumental\b", re.IGNORECASE)),
)
# Remix-like words: a suffix naming one of these is a version of its own, kept in the title.
_REMIX_LIKE = re.compile(
    r"\b(?:remix|rmx|re-?mix|mix|re-?edit|edit|cover|sped up|slowed|reverb|nightcore|karaoke|"
    r"a ?cappella|acapella|bootleg|mash-?up|rework|flip|vip|dub)\b",
    re.IGNORECASE,
)
# A suffix naming one of these is a different recording: never the original.
_OTHER_VERSION = re.compile(
    r"\b(?:remix|rmx|re-?mix|mix|re-?edit|edit|cover|version|acoustic|instrumental|demo|"
    r"sped up|slowed|reverb|nightcore|karaoke|a ?cappella|acapella|bootleg|mash-?up|rework|"
    r"flip|vip|dub|unplugged)\b",
    re.IGNORECASE,
)
_DASH_SUFFIX = re.compile(r"\s+[-–—]\s+((?:(?!\s[-–—]\s).)+)$")
_BRACKET_SUFFIX = re.compile(r"\s*[(\[]([^()\[\]]*)[)\]]\s*$")


def _fold_latin_accents(text: str) -> str:
    out: list[str] = []
    base_is_latin = False
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char):
            if base_is_latin:
                continue
        else:
            base_is_latin = unicodedata.name(char, "").startswith("LATIN")
        out.append(char)
    return unicodedata.normalize("NFC", "".join(out))


def clean_spaces(text: str) -> str:
    """NFKC, zero-width characters removed, every run of whitespace one plain space, trimmed."""
    text = unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH)
    return _SPACES.sub(" ", text).strip()


def normalize_name(name: str) -> str:
    """The comparison key of an artist, producer or title (rules in the module docstring)."""
    text = clean_spaces(name).casefold()
    text = _fold_latin_accents(text)
    words = text.replace("&", " and ").translate(_DROPPED)
    words = "".join(" " if unicodedata.category(char)[0] in "PS" else char for char in words)
    key = _SPACES.sub(" ", words).strip()
    return key or text


def _version_of(suffix: str) -> str | None:
    """What a suffix says: "same" (a re-release), a version kind, or None (not a re-release or a
    version kind: a remix, cover or other version, or just part of the title)."""
    if _FROM_SOUNDTRACK.search(suffix):
        return "same"
    rest = _SAME_RECORDING.sub(" ", suffix)
    if _REMIX_LIKE.search(rest):
        return None
    for kind, pattern in VERSION_KINDS:
        if pattern.search(rest):
            return kind
    if _SAME_RECORDING.search(suffix) and not _OTHER_VERSION.search(rest):
        return "same"
    return None


def _split(title: str) -> tuple[str, list[str], list[str]]:
    """(title without credits and version suffixes, version kinds, those suffixes as written),
    suffixes taken repeatedly from the end."""
    title = _FEAT_BRACKET.sub("", title)
    title = _FEAT_DASH.sub("", title)
    title = _FEAT_BARE.sub("", title)
    kinds: list[str] = []
    written: list[str] = []
    while True:
        match = _DASH_SUFFIX.search(title) or _BRACKET_SUFFIX.search(title)
        if match is None:
            break
        found = _version_of(match.group(1))
        if found is None:
            break
        if found != "same":
            kinds.append(found)
            written.insert(0, match.group(1).strip())
        title = title[: match.start()]
    return title.strip(), sorted(set(kinds)), written


def _only_same_recording(suffix: str) -> bool:
    # "Radio Edit", "Single Version": the other-version words here belong to a same-recording phrase.
    rest = _SAME_RECORDING.sub(" ", suffix)
    return _OTHER_VERSION.search(rest) is None


def search_title(title: str) -> str:
    """The title as a search query: credits and re-release suffixes removed, a version's words
    ("Live", "Demo", "Taylor's Version") kept, spelling kept."""
    base, _, written = _split(clean_spaces(title))
    return " ".join([base, *written])


def version_key(title: str) -> tuple[str, tuple[str, ...]]:
    """(normalised title, version kinds): equal for the same recording however it is spelled."""
    base, kinds, _ = _split(clean_spaces(title))
    return normalize_name(base), tuple(kinds)


def normalize_title(title: str) -> str:
    """The comparison key of a track or song title (rules in the module docstring); a version
    kind is a mark in parentheses, which `normalize_name` never leaves in a name."""
    base, kinds = version_key(title)
    return base + "".join(f" ({kind})" for kind in kinds)


def _suffixes(title: str) -> list[str]:
    found = [m.group(1) for m in re.finditer(r"[(\[]([^()\[\]]*)[)\]]", title)]
    dash = _DASH_SUFFIX.search(title)
    if dash:
        found.append(dash.group(1))
    return found


def is_remix_or_cover_title(title: str) -> bool:
    """True when a bracketed or " - " suffix names a remix, cover or other version.

    Only suffixes count, so an original called "Cover Me" or "Remix the Night" stays an original.
    """
    text = _FEAT_BRACKET.sub("", clean_spaces(title))
    return any(
        _OTHER_VERSION.search(suffix) and not _only_same_recording(suffix)
        for suffix in _suffixes(text)
    )


def title_keys(title: str) -> set[tuple[str, tuple[str, ...]]]:
    """Every `version_key` of a title: one, or three for a title in two scripts ("native
    (romanization)" or the other way round: the whole, and each spelling alone)."""
    base, kinds, _ = _split(clean_spaces(title))
    keys = {(normalize_name(base), tuple(kinds))}
    both = two_spellings(base)
    if both is not None and not any(_OTHER_VERSION.search(side) for side in both):
        keys |= {(normalize_name(side), tuple(kinds)) for side in both}
    return keys


def name_keys(name: str) -> set[str]:
    """Every comparison key of an artist's name: one, or three for "Name (native)"."""
    return {normalize_name(spelling) for spelling in spellings(clean_spaces(name))}


def names_match(one: str, other: str) -> bool:
    """The same artist name, in either of its scripts ("BTS (방탄소년단)" is "BTS")."""
    return bool(name_keys(one) & name_keys(other))


def titles_match(spotify_title: str, genius_title: str) -> bool:
    """The same recording: equal normalised titles and the same version (studio with studio,
    live with live, a remix only with that remix; a remaster or radio edit with its original),
    in either script of a title written in two."""
    return bool(title_keys(spotify_title) & title_keys(genius_title))
