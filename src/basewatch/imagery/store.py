"""The imagery tables (migration 0015): one row per observation, one per comparison. SQL parameterised."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from basewatch.errors import BasewatchError

if TYPE_CHECKING:
    import pyarrow as pa

    from basewatch.workspace.core import Workspace

OBSERVATION_COLUMNS = (
    "observation_id", "site_id", "acquired_at", "provider", "resolution_m", "licence", "image_path",
    "image_sha256", "analyst", "confidence", "counts", "item", "added_at", "source_url", "width", "height",
    "crs", "geotransform", "labels", "labels_path",
)
CHANGE_COLUMNS = (
    "change_id", "site_id", "before_id", "after_id", "before_at", "after_at", "counts_before", "counts_after",
    "changed_fraction", "result", "added_at", "params", "regions_path",
)
_JSON = {"counts", "item", "geotransform", "labels", "counts_before", "counts_after", "result", "params"}


@dataclass(frozen=True)
class StoredObservation:
    """One row of imagery_observations, JSON columns decoded."""

    observation_id: str
    site_id: str
    acquired_at: dt.datetime
    image_path: str | None
    image_sha256: str | None
    counts: dict[str, int]
    item: dict[str, object]
    labels: dict[str, object] | None
    crs: str | None
    geotransform: list[float] | None


def _encode(col: str, value: object) -> object:
    return json.dumps(value) if col in _JSON and value is not None else value


def insert_row(ws: Workspace, table: str, columns: tuple[str, ...], row: dict[str, object]) -> None:
    """Replace-or-insert one row (same id: the newer one wins), in the caller's transaction."""
    key = columns[0]
    ws.con.execute(f"DELETE FROM {table} WHERE {key} = ?", [row[key]])
    marks = ", ".join("?" for _ in columns)
    ws.con.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                   [_encode(c, row.get(c)) for c in columns])


def site_exists(ws: Workspace, site_id: str) -> bool:
    found = ws.con.execute("SELECT count(*) FROM sites WHERE site_id = ?", [site_id]).fetchone()
    return bool(found and found[0])


def observation(ws: Workspace, ref: str) -> StoredObservation:
    """An observation by id, or by the path or sha256 of its picture (the newest such)."""
    row = ws.con.execute(
        "SELECT observation_id, site_id, acquired_at, image_path, image_sha256, counts, item, labels, crs, "
        "geotransform FROM imagery_observations WHERE observation_id = ? OR image_sha256 = ? OR image_path = ? "
        "ORDER BY (observation_id = ?) DESC, added_at DESC LIMIT 1",
        [ref, ref, ref, ref],
    ).fetchone()
    if row is None:
        raise BasewatchError(f"no imagery observation {ref!r} (see `basewatch imagery list`)")

    def js(v: object) -> object:
        return json.loads(v) if isinstance(v, str) else v

    return StoredObservation(
        observation_id=row[0], site_id=row[1], acquired_at=row[2], image_path=row[3], image_sha256=row[4],
        counts=dict(js(row[5]) or {}), item=dict(js(row[6]) or {}),  # type: ignore[call-overload]
        labels=js(row[7]), crs=row[8], geotransform=js(row[9]),  # type: ignore[arg-type]
    )


def observations_table(ws: Workspace, *, site: str | None = None) -> pa.Table:
    sql = f"SELECT {', '.join(OBSERVATION_COLUMNS)} FROM imagery_observations"
    params: list[object] = []
    if site is not None:
        sql += " WHERE site_id = ?"
        params.append(site)
    return ws.con.execute(sql + " ORDER BY site_id, acquired_at, observation_id", params).fetch_arrow_table()


def changes_table(ws: Workspace, *, site: str | None = None) -> pa.Table:
    sql = f"SELECT {', '.join(CHANGE_COLUMNS)} FROM imagery_changes"
    params: list[object] = []
    if site is not None:
        sql += " WHERE site_id = ?"
        params.append(site)
    return ws.con.execute(sql + " ORDER BY site_id, after_at, change_id", params).fetch_arrow_table()
