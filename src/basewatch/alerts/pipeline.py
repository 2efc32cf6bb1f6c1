"""Count alerts end to end on one engine: series (engine) -> frame -> detectors (numpy) -> evidence (engine)."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from basewatch.alerts import series
from basewatch.alerts.assemble import count_rows, evidence_keys
from basewatch.alerts.detect import detect
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
    evidence: dict[tuple[str, int, int], list[tuple[str, str]]] = defaultdict(list)
    if keys.num_rows:
        keys = keys.group_by(list(keys.column_names)).aggregate([])
        in_port = pc.equal(keys.column("direction"), "in_port")
        parts = []
        span_keys = keys.filter(in_port).select(["series", "first_day", "last_day"])
        if span_keys.num_rows:
            parts.append(engine.to_arrow(series.span_evidence(series.port_spans(engine.inputs),
                                                              engine.table(span_keys))))
        event_keys = keys.filter(pc.invert(in_port))
        if event_keys.num_rows:
            parts.append(engine.to_arrow(series.evidence(series.events(engine.inputs), engine.table(event_keys))))
        for part in parts:  # column lists, not one dict per row (evidence can be 100,000s of rows)
            cols = [part.column(c).to_pylist() for c in ("series", "first_day", "last_day", "ev_kind", "ev_id")]
            for s, a, b, kind, ev_id in zip(*cols, strict=True):
                evidence[(s, a, b)].append((kind, ev_id))
    return count_rows(frame, found, evidence, params)
