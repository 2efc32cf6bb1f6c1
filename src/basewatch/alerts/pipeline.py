"""Count alerts end to end on one engine: series (engine) -> frame -> detectors (numpy) -> evidence (engine)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from basewatch.alerts import series
from basewatch.alerts.assemble import count_rows, evidence_keys
from basewatch.alerts.detect import Found, detect
from basewatch.alerts.evidence import evidence_json
from basewatch.alerts.frame import Extent, Frame, build_frame
from basewatch.alerts.params import AlertParams

if TYPE_CHECKING:
    import pyarrow as pa

    from basewatch.alerts.engine import AlertEngine

SPAN_COLUMNS = (*series.SERIES_COLUMNS, "day", "last_day")


def count_frame(engine: AlertEngine, extents: dict[str, Extent], since: int | None = None,
                pad: tuple[pa.Table, pa.Table] | None = None) -> Frame:
    """The frame of every series; `since`: only the counts of days from it on; `pad`: rows (counts,
    spans) of no count that name series the counts may lack (the series of a carried state)."""
    import pyarrow as pa

    ev = series.events(engine.inputs)
    span_expr = series.port_spans(engine.inputs)
    if since is not None:
        ev = ev.filter(ev.day >= since)
        span_expr = span_expr.filter(span_expr.last_day >= since)
    counts = engine.to_arrow(series.counts(ev))
    spans = engine.to_arrow(span_expr.select(*SPAN_COLUMNS))
    if pad is not None:
        counts = pa.concat_tables([counts, pad[0].select(counts.column_names).cast(counts.schema)])
        spans = pa.concat_tables([spans, pad[1].select(spans.column_names).cast(spans.schema)])
    return build_frame(counts, spans, extents)


def count_alerts(engine: AlertEngine, extents: dict[str, Extent], params: AlertParams) -> pa.Table:
    """Surge, drawdown, shift and new-corridor alerts with their evidence."""
    frame = count_frame(engine, extents)
    return alert_rows(engine, frame, detect(frame, params), params)


def alert_rows(engine: AlertEngine, frame: Frame, found: Found, params: AlertParams) -> pa.Table:
    """The rows of the `alerts` table for `found`, with the evidence of each looked up on the engine."""
    import pyarrow.compute as pc

    keys = evidence_keys(frame, found)
    parts = []
    if keys.num_rows:
        keys = keys.group_by(list(keys.column_names)).aggregate([])
        in_port = pc.equal(keys.column("direction"), "in_port")
        span_keys = keys.filter(in_port).select(["series", "first_day", "last_day"])
        if span_keys.num_rows:
            lo, hi = _day_range(span_keys)
            spans = series.port_spans(engine.inputs)
            spans = spans.filter((spans.last_day >= lo) & (spans.day <= hi))
            parts.append(engine.to_arrow(series.span_evidence(spans, engine.table(span_keys))))
        event_keys = keys.filter(pc.invert(in_port))
        if event_keys.num_rows:
            lo, hi = _day_range(event_keys)
            ev = series.events(engine.inputs)
            ev = ev.filter((ev.day >= lo) & (ev.day <= hi))  # before the join: one new day's few alerts
            parts.append(engine.to_arrow(series.evidence(ev, engine.table(event_keys))))
    return count_rows(frame, found, evidence_json(parts), params)


def _day_range(keys: pa.Table) -> tuple[int, int]:
    """The first and last day any key asks for."""
    import pyarrow.compute as pc

    return int(pc.min(keys.column("first_day")).as_py()), int(pc.max(keys.column("last_day")).as_py())
