"""One new day of data without recomputing the history: the stored state (`alert_state`, migration 0020).

A full build (`backfill`) stores, with the alerts, each series' carried state (`basewatch.alerts.carry`)
as of its last complete day, the parameters, the covered days and a fingerprint of the records counted on
those days. `update` then counts only the days the window needs (56 + 2 before the first new day),
carries the CUSUM on from the stored sums, tests only the new days, and adds their alerts to the stored
ones. It returns None (the caller rebuilds everything) when the parameters, the data's first day or any
record counted on a covered day changed, or when an all-traffic series stopped or started being one
actor's: in each case the history itself would come out differently.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from basewatch.alerts.carry import NONE_DAY, Carry
from basewatch.alerts.cusum import Side
from basewatch.alerts.frame import Extent, Frame
from basewatch.alerts.params import AlertParams

if TYPE_CHECKING:
    import pyarrow as pa

    from basewatch.alerts.engine import AlertEngine
    from basewatch.workspace.core import Workspace

DAY_US = 86_400_000_000
COUNT_KINDS = ("surge", "drawdown", "shift", "new-corridor")
KEY_COLUMNS = ("series", "mode", "direction", "site", "origin", "destination", "actor")
SIDE_FIELDS = ("stat", "zero_day", "quiet", "rising", "sum_x", "sum_m")
# the records counted on days before a cut (days since 1970-01-01, per mode), order-free
HISTORY_SQL = """
SELECT
 (SELECT concat_ws(',', count(*), bit_xor(hash(flight_id, origin_site, destination_site, origin_airport,
   destination_airport, actor, CASE WHEN epoch_us(start) < $air THEN start END,
   CASE WHEN epoch_us("end") < $air THEN "end" END)))
  FROM flights WHERE epoch_us(least(start, "end")) < $air),
 (SELECT concat_ws(',', count(*), bit_xor(hash(call_id, site_id, actor, arrival, arrival_observed,
   CASE WHEN epoch_us(departure) < $sea THEN departure END)))
  FROM port_calls WHERE site_id IS NOT NULL AND epoch_us(arrival) < $sea),
 (SELECT concat_ws(',', count(*), bit_xor(hash(voyage_id, origin_site, destination_site, origin_port,
   destination_port, actor, departure))) FROM voyages WHERE epoch_us(departure) < $sea)
"""


def history_fingerprints(ws: Workspace, throughs: list[dict[str, int]]) -> list[str]:
    """Fingerprints of the records counted on days up to each `through` (per mode; missing: none), in
    one scan of each table."""
    def cut(through: dict[str, int], mode: str) -> int:
        return (through.get(mode, NONE_DAY) + 1) * DAY_US

    args: dict[str, int] = {}
    for i, t in enumerate(throughs):
        args[f"air{i}"], args[f"sea{i}"] = cut(t, "air"), cut(t, "sea")
    selects = [HISTORY_SQL.strip()[len("SELECT"):].replace("$air", f"$air{i}").replace("$sea", f"$sea{i}")
               for i in range(len(throughs))]
    row = ws.con.execute("SELECT " + ", ".join(selects), args).fetchone() or ()
    per = len(row) // max(len(throughs), 1)
    return ["|".join("" if v is None else str(v) for v in row[i * per:(i + 1) * per]) for i in range(len(throughs))]


def _through_days(extents: dict[str, Extent]) -> dict[str, int]:
    return {m: e.last_testable for m, e in extents.items()}


def write_state(ws: Workspace, frame: Frame, carry: Carry, extents: dict[str, Extent],
                params: AlertParams, history: str | None = None) -> None:
    """Replace the stored state by the carry of a run over `frame` (one transaction)."""
    import pyarrow as pa

    day0 = frame.day0
    cols: dict[str, pa.Array] = {c: frame.keys.column(c).combine_chunks().cast(pa.string()) for c in KEY_COLUMNS}
    cols["through_day"] = pa.array(carry.from_col - 1 + day0, pa.int32()).cast(pa.date32())
    cols["same_used"] = pa.array(carry.same_used)
    cols["equal"] = pa.array(carry.equal)
    last = carry.last_count + day0
    cols["last_count_day"] = pa.array(last, pa.int32(), mask=carry.last_count <= NONE_DAY // 2).cast(pa.date32())
    for name, side in (("up", carry.up), ("down", carry.down)):
        for f in SIDE_FIELDS:
            v = getattr(side, f)
            cols[f"{name}_{f}"] = pa.array(v + day0 if f == "zero_day" else v)
    table = pa.table(cols)
    meta = pa.table({"params": [json.dumps(params.as_json(), sort_keys=True)],
                     "extents": [json.dumps({m: [e.first_day, e.last_testable] for m, e in extents.items()},
                                            sort_keys=True)],
                     "history": [history if history is not None
                                 else history_fingerprints(ws, [_through_days(extents)])[0]]})
    with ws.transaction() as con:
        con.register("_bw_alert_state", table)
        con.register("_bw_alert_meta", meta)
        try:
            con.execute("DELETE FROM alert_state")
            con.execute("DELETE FROM alert_state_meta")
            con.execute(f"INSERT INTO alert_state ({', '.join(table.column_names)}) "
                        f"SELECT {', '.join(table.column_names)} FROM _bw_alert_state")
            con.execute("INSERT INTO alert_state_meta SELECT params, extents, history FROM _bw_alert_meta")
        finally:
            con.unregister("_bw_alert_state")
            con.unregister("_bw_alert_meta")


def _stored(ws: Workspace, params: AlertParams,
            extents: dict[str, Extent]) -> tuple[pa.Table, dict[str, int], str] | None:
    """The stored state, if it still holds for these parameters and this data; with its through days and
    the history fingerprint of the new through days."""
    row = ws.con.execute("SELECT params, extents, history FROM alert_state_meta").fetchone()
    if row is None or json.loads(row[0]) != json.loads(json.dumps(params.as_json(), sort_keys=True)):
        return None
    stored = {m: (int(v[0]), int(v[1])) for m, v in json.loads(row[1]).items()}
    if set(stored) != set(extents) or any(stored[m][0] != e.first_day or e.last_testable < stored[m][1]
                                          for m, e in extents.items()):
        return None
    through = {m: v[1] for m, v in stored.items()}
    old, new = history_fingerprints(ws, [through, _through_days(extents)])
    if old != row[2]:
        return None
    state: pa.Table = ws.con.execute(
        "SELECT *, epoch_us(CAST(through_day AS TIMESTAMP)) // 86400000000 AS through_n, "
        "epoch_us(CAST(last_count_day AS TIMESTAMP)) // 86400000000 AS last_n FROM alert_state").fetch_arrow_table()
    return state, through, new


def _pads(state: pa.Table, day: int) -> tuple[pa.Table, pa.Table]:
    """Count rows (n = 0) and empty spans naming every stored series, so the frame has them all."""
    import pyarrow as pa
    import pyarrow.compute as pc

    in_port = pc.equal(state.column("direction"), "in_port")
    grouped = state.filter(pc.and_(pc.invert(in_port), pc.is_valid(state.column("actor"))))
    counts = grouped.select(["mode", "direction", "site", "origin", "destination", "actor"])
    counts = counts.append_column("day", pa.array(np.full(counts.num_rows, day, dtype=np.int64)))
    counts = counts.append_column("n", pa.array(np.zeros(counts.num_rows, dtype=np.int64)))
    spans = state.filter(in_port).select(list(KEY_COLUMNS))
    spans = spans.append_column("day", pa.array(np.full(spans.num_rows, day + 1, dtype=np.int64)))
    spans = spans.append_column("last_day", pa.array(np.full(spans.num_rows, day - 1, dtype=np.int64)))
    return counts, spans


def _carry(frame: Frame, state: pa.Table, extents: dict[str, Extent]) -> Carry:
    """The stored state on the rows of `frame` (series not stored: fresh, their history all in the frame)."""
    s = frame.keys.num_rows
    day0 = frame.day0
    fresh = Carry.fresh(frame)
    at = _rows_of(frame, state)

    def put(base: np.ndarray, values: object, shift: int = 0) -> np.ndarray:
        out = base.copy()
        out[at] = np.asarray(values) - shift if shift else np.asarray(values)
        return out

    def col(name: str) -> np.ndarray:
        return np.asarray(state.column(name).to_numpy(zero_copy_only=False))

    known = put(np.zeros(s, dtype=bool), np.ones(at.size, dtype=bool))
    last = state.column("last_n").to_numpy(zero_copy_only=False)
    last = np.where(np.isnan(last.astype(np.float64)), NONE_DAY, last).astype(np.int64) if at.size else last
    modes = np.asarray(frame.keys.column("mode").to_pylist(), dtype=object)
    first_valid = np.array([extents[m].first_day - day0 if m in extents else NONE_DAY for m in modes],
                           dtype=np.int64)

    def side(name: str, base: Side) -> Side:
        return Side(put(base.stat, col(f"{name}_stat")), put(base.zero_day, col(f"{name}_zero_day"), day0),
                    put(base.quiet, col(f"{name}_quiet")), put(base.rising, col(f"{name}_rising")),
                    put(base.sum_x, col(f"{name}_sum_x")), put(base.sum_m, col(f"{name}_sum_m")))

    last_col = np.where(last <= NONE_DAY // 2, NONE_DAY, last - day0)
    return Carry(known, put(fresh.from_col, col("through_n") + 1, day0), put(fresh.same_used, col("same_used")),
                 put(fresh.equal, col("equal")), put(fresh.last_count, last_col), first_valid,
                 side("up", fresh.up), side("down", fresh.down))


def _rows_of(frame: Frame, state: pa.Table) -> npt.NDArray[np.int64]:
    """The frame row of each stored series (every one is in the frame: `_pads` names them all)."""
    import pyarrow.compute as pc

    found = pc.index_in(state.column("series"), value_set=frame.keys.column("series").combine_chunks())
    if found.null_count:
        raise AssertionError("a stored series is missing from the frame")
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=np.int64)


@dataclass(frozen=True)
class Run:
    """A run of the count detectors: its alerts and what to store for the next run."""

    rows: pa.Table
    frame: Frame
    carry: Carry
    extents: dict[str, Extent]
    kept_through: dict[str, int] | None  # an update: the stored count alerts to keep (day <= this per mode)
    history: str | None = None  # fingerprint of the covered days' records, if known


def backfill(ws: Workspace, engine: AlertEngine, params: AlertParams) -> Run:
    """Every count alert of the whole history, and the state it leaves."""
    from basewatch.alerts.detect import detect_carried
    from basewatch.alerts.pipeline import alert_rows, count_frame
    from basewatch.alerts.store import data_extents

    extents = data_extents(ws, params)
    frame = count_frame(engine, extents)
    done = detect_carried(frame, params)
    assert done is not None  # only a carried state can be outdated
    return Run(alert_rows(engine, frame, done[0], params), frame, done[1], extents, None)


def update(ws: Workspace, engine: AlertEngine, params: AlertParams) -> Run | None:
    """The count alerts of the days after the stored state, and the state moved on; None: rebuild all."""
    from basewatch.alerts.detect import detect_carried
    from basewatch.alerts.pipeline import alert_rows, count_frame
    from basewatch.alerts.store import data_extents

    extents = data_extents(ws, params)
    stored = _stored(ws, params, extents)
    if stored is None:
        return None
    state, through, history = stored
    since = min(through.values()) + 1 - (params.guard_days + params.window_days)
    window = {m: Extent(max(e.first_day, since), e.last_day, e.last_testable) for m, e in extents.items()}
    frame = count_frame(engine, window, since, _pads(state, min(e.first_day for e in window.values())))
    done = detect_carried(frame, params, _carry(frame, state, extents))
    if done is None:
        return None
    rows = alert_rows(engine, frame, done[0], params)
    return Run(_after(rows, through), frame, done[1], extents, through, history)


def _after(rows: pa.Table, through: dict[str, int]) -> pa.Table:
    """Alerts on days after the stored state's (a new series' history is all in the frame: its zeros
    raise nothing, but the days before are the stored alerts' to say)."""
    import pyarrow as pa

    if not rows.num_rows:
        return rows
    modes = rows.column("mode").to_pylist()
    days = rows.column("day").cast(pa.int32()).to_numpy(zero_copy_only=False)
    keep = np.array([d > through.get(m, NONE_DAY) for m, d in zip(modes, days, strict=True)], dtype=bool)
    return rows.filter(pa.array(keep))


def kept_condition(through: dict[str, int]) -> str:
    """SQL condition of the stored count alerts on days the stored state covers (an update adds the later
    ones). Built from fixed names and integers only."""
    where = " OR ".join(f"(mode = '{m}' AND day <= DATE '1970-01-01' + {int(d)})" for m, d in through.items()
                        if m in ("air", "sea")) or "false"
    kinds = ", ".join(f"'{k}'" for k in COUNT_KINDS)
    return f"kind IN ({kinds}) AND ({where})"
