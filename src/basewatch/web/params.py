"""Query-string parameters of the API, validated into typed values (a bad one is a 400 with one line)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from basewatch.errors import BadRequest as BadRequest  # re-exported: raised here

MAX_LIMIT = 1000
_ID = re.compile(r"^[A-Za-z0-9_.:@/ -]{1,128}$")
MODES = ("air", "sea")




def text(params: Mapping[str, str], name: str, *, max_len: int = 200) -> str | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    if len(value) > max_len:
        raise BadRequest(f"{name}: longer than {max_len} characters")
    return value


def ident(params: Mapping[str, str], name: str) -> str | None:
    """An id (site, actor, typecode, port...): letters, digits and a few separators."""
    value = text(params, name, max_len=128)
    if value is not None and not _ID.match(value):
        raise BadRequest(f"{name}: not an id: {value!r}")
    return value


def when(params: Mapping[str, str], name: str) -> dt.date | dt.datetime | None:
    """YYYY-MM-DD (a UTC day) or an ISO 8601 time with a zone."""
    value = text(params, name, max_len=40)
    if value is None:
        return None
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value)
        t = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise BadRequest(f"{name}: not a date (YYYY-MM-DD) or an ISO time: {value!r}") from exc
    if t.tzinfo is None:
        raise BadRequest(f"{name}: a time needs a zone (e.g. ...Z): {value!r}")
    return t.astimezone(dt.UTC)


def number(params: Mapping[str, str], name: str, default: int, lo: int, hi: int) -> int:
    value = params.get(name)
    if value is None or value == "":
        return default
    if not value.isdigit() or not lo <= int(value) <= hi:
        raise BadRequest(f"{name}: a whole number from {lo} to {hi}, got {value!r}")
    return int(value)


def choice(params: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str | None:
    value = text(params, name, max_len=32)
    if value is not None and value not in allowed:
        raise BadRequest(f"{name}: one of {', '.join(allowed)}, got {value!r}")
    return value


@dataclass(frozen=True)
class Filters:
    """The filters every list shares (each endpoint uses those that apply to it)."""

    site: str | None
    actor: str | None
    typecode: str | None
    mode: str | None
    since: dt.date | dt.datetime | None
    until: dt.date | dt.datetime | None
    geojson: bool

    @staticmethod
    def of(params: Mapping[str, str]) -> Filters:
        return Filters(
            site=ident(params, "site"), actor=ident(params, "actor"), typecode=ident(params, "type"),
            mode=choice(params, "mode", MODES), since=when(params, "since"), until=when(params, "until"),
            geojson=choice(params, "format", ("json", "geojson")) == "geojson",
        )
