"""Count alerts end to end on one engine: series (engine) -> frame -> detectors (numpy) -> evidence (engine)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from basewatch.alerts import series
from basewatch.alerts.assemble import count_rows, evidence_keys
from basewatch.alerts.detect import detect
from basewatch.alerts.evidence import evidence_json
from basewatch.alerts.frame import Extent, Frame, build_frame
from basewatch.alerts.params import AlertParams

if TYPE_CHECKING:
    import pyarrow as pa

    from basewatch.alerts.engine import AlertEngine

SPAN_COLUMNS = (*series.SERIES_COLUMNS, "day", "last_day")


def count_frame(engine: AlertEngine, extents: dict[str, Extent]) -> Frame:
    ev = series.events(engine.inputs)
    counts = engine.to_arrow(series.counts(ev))
    spans = engine.to_arrow(series.port_spans(engine.inputs).select(*SPAN_COLUMNS))
    return build_frame(counts, spans, extents)


def count_alerts(engine: AlertEngine, extents: dict[str, Extent], params: AlertParams) -> pa.Table:
    """Surge, drawdown, shift and new-corridor alerts with their evidence."""
    import pyarrow.compute as pc

    frame = count_frame(engine, extents)
    found = detect(frame, params)
    keys = evidence_keys(frame, found)
    parts = []
    if keys.num_rows:
        keys = keys.group_by(list(keys.column_names)).aggregate([])
        in_port = pc.equal(keys.column("direction"), "in_port")
        span_keys = keys.filter(in_port).select(["series", "first_day", "last_day"])
        if span_keys.num_rows:
            parts.append(engine.to_arrow(series.span_evidence(series.port_spans(engine.inputs),
                                                              engine.table(span_keys))))
        event_keys = keys.filter(pc.invert(in_port))
        if event_keys.num_rows:
            parts.append(engine.to_arrow(series.evidence(series.events(engine.inputs), engine.table(event_keys))))
    return count_rows(frame, found, evidence_json(parts), params)
