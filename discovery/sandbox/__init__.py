"""The offline emulator of Spotify, Genius, MusicBrainz and an Instagram data provider."""
