"""Builders that insert hand-made rows (claims, flights, port calls, positions) into a real workspace."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from basewatch.workspace.core import Workspace

ACTOR = "ru-mod-transport"


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@dataclass
class Rows:
    """Inserts rows into `ws` the way the real stores would have left them."""

    ws: Workspace
    _n: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def site(self, site_id: str) -> tuple[float, float]:
        row = self.ws.con.execute("SELECT lat, lon FROM sites WHERE site_id = ?", [site_id]).fetchone()
        assert row is not None, site_id
        return float(row[0]), float(row[1])

    def source(self) -> int:
        n = next(self._n)
        row = self.ws.con.execute(
            "INSERT INTO sources (path, sha256, input_format, ingested_at, accepted, rejected, duplicates) "
            "VALUES (?, ?, 'test', now(), 0, 0, 0) RETURNING source_id", [f"test-{n}", f"sha-{n}"]).fetchone()
        assert row is not None
        return int(row[0])

    def report(self, text: str, report_date: dt.date | None, publisher: str | None = None) -> int:
        n = next(self._n)
        sha = hashlib.sha256(f"{n}:{text}".encode()).hexdigest()
        row = self.ws.con.execute(
            "INSERT INTO reports (sha256, path, item_no, format, title, publisher, url, report_date, body_start, "
            "text, added_at) VALUES (?, ?, 1, 'text', NULL, ?, NULL, ?, 0, ?, now()) RETURNING report_id",
            [sha, f"report-{n}.txt", publisher, report_date, text]).fetchone()
        assert row is not None
        return int(row[0])

    def claim(self, text: str, event: str, certainty: str, *, site_ids: Sequence[str] = (),
              countries: Sequence[str] = (), date: Sequence[str] | None = None, report_date: str | None = None,
              source: str = "reporter", source_kind: str = "media", actors: Sequence[str] = ("Russia",),
              reliability: str = "F", publisher: str | None = None, report_id: int | None = None) -> str:
        rid = report_id or self.report(text, day(report_date) if report_date else None, publisher)
        row = self.ws.con.execute("SELECT count(*) FROM claims WHERE report_id = ?", [rid]).fetchone()
        no = int(row[0]) + 1 if row else 1
        places = [{"name": s, "site_id": s, "country": None, "kind": "site"} for s in site_ids]
        self.ws.con.execute(
            "INSERT INTO claims VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 6, 'test', NULL)",
            [rid, no, text, len(text), event, list(actors), json.dumps(places), sorted(site_ids), sorted(countries),
             source, source_kind, certainty, day(date[0]) if date else None, day(date[1]) if date else None,
             None, reliability])
        return f"C{rid}-{no}"

    def flights(self, origin: str | None, destination: str | None, first: dt.date, per_day: int, days: int,
                actor: str | None = ACTOR, hour: int = 6) -> list[str]:
        src = self.source()
        ids = []
        for d in range(days):
            for k in range(per_day):
                start = dt.datetime.combine(first + dt.timedelta(days=d), dt.time(hour), tzinfo=dt.UTC) \
                    + dt.timedelta(minutes=37 * k)
                icao = f"1{next(self._n):05x}"
                fid = f"{icao}-{start:%Y%m%dT%H%M%SZ}"
                self.ws.con.execute(
                    "INSERT INTO flights (flight_id, icao24, start, \"end\", origin_site, destination_site, "
                    "origin_method, destination_method, origin_note, destination_note, points, actor, source_ids, "
                    "first_source_id, first_row_no, last_source_id, last_row_no) "
                    "VALUES (?, ?, ?, ?, ?, ?, 'ground', 'ground', '', '', 100, ?, [?], ?, ?, ?, ?)",
                    [fid, icao, start, start + dt.timedelta(hours=2), origin, destination, actor, src, src,
                     k * 100 + 1, src, k * 100 + 100])
                ids.append(fid)
        return ids

    def port_calls(self, site: str, first: dt.date, per_day: int, days: int = 1, actor: str | None = ACTOR) -> None:
        src = self.source()
        for d in range(days):
            for k in range(per_day):
                n = next(self._n)
                dep = dt.datetime.combine(first + dt.timedelta(days=d), dt.time(8 + k), tzinfo=dt.UTC)
                self.ws.con.execute(
                    "INSERT INTO port_calls (call_id, mmsi, actor, site_id, arrival, departure, arrival_observed, "
                    "stops, port_gaps, min_distance_km, positions, source_ids, first_source_id, first_row_no, "
                    "last_source_id, last_row_no) VALUES (?, ?, ?, ?, ?, ?, true, 1, 0, 0.5, 10, [?], ?, 1, ?, 10)",
                    [n, f"273{n:06d}", actor, site, dep - dt.timedelta(days=2), dep, src, src, src])

    def coverage(self, site: str, first: dt.date, last: dt.date) -> None:
        """One aircraft position and one ship position near the site at noon of every day first..last."""
        lat, lon = self.site(site)
        src = self.source()
        d = first
        while d <= last:
            t = dt.datetime.combine(d, dt.time(12), tzinfo=dt.UTC)
            self.ws.con.execute("INSERT INTO aircraft_points (icao24, time, lat, lon, source_id, row_no) "
                                "VALUES ('abcdef', ?, ?, ?, ?, 1)", [t, lat + 0.05, lon, src])
            self.ws.con.execute("INSERT INTO ais_positions (mmsi, time, lat, lon, source_id, row_no) "
                                "VALUES ('123456789', ?, ?, ?, ?, 1)", [t, lat + 0.05, lon, src])
            d += dt.timedelta(days=1)


@pytest.fixture
def rows(tmp_path: Path) -> Iterator[Rows]:
    ws = Workspace(tmp_path / "ws.duckdb")
    try:
        yield Rows(ws)
    finally:
        ws.close()
