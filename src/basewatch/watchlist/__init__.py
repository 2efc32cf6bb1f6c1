"""Watched sites and actors: model, TOML loading, storage in the workspace."""

from basewatch.watchlist.load import load_watchlist, load_watchlist_text
from basewatch.watchlist.model import Actor, ActorRule, Site, Watchlist

__all__ = ["Actor", "ActorRule", "Site", "Watchlist", "load_watchlist", "load_watchlist_text"]
