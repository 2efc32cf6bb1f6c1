"""Write fusion's tables (claim_status, source_track, assessments), each replaced as a whole in one transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from basewatch.fusion.assess import Assessment
from basewatch.fusion.fuse import Fusion
from basewatch.fusion.serial import assessment_json

if TYPE_CHECKING:
    from basewatch.workspace.core import Workspace


def _replace(ws: Workspace, table: str, columns: dict[str, list[object]]) -> None:
    import pyarrow as pa

    data = pa.table(columns)
    with ws.transaction() as con:
        con.execute(f"DELETE FROM {table}")  # table: one of this module's constants, never user text
        if data.num_rows:
            con.register("fusion_in", data)
            try:
                names = ", ".join(columns)
                con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM fusion_in")
            finally:
                con.unregister("fusion_in")


def write_fusion(ws: Workspace, fusion: Fusion) -> dict[str, int]:
    s = fusion.statuses
    _replace(ws, "claim_status", {
        "report_id": [x.report_id for x in s], "claim_no": [x.claim_no for x in s], "status": [x.status for x in s],
        "credibility": [x.credibility for x in s], "reliability": [x.reliability for x in s],
        "story": [x.story for x in s], "window_start": [x.first for x in s], "window_end": [x.last for x in s],
        "widened": [x.widened for x in s], "places": [list(x.places) for x in s],
        "observed": [x.observed for x in s], "expected": [x.expected for x in s], "p_value": [x.p_value for x in s],
        "covered_days": [x.covered_days for x in s],
        "evidence": [json.dumps([{"kind": r.kind, "id": r.id} for r in x.evidence]) for x in s],
        "why": [x.why for x in s],
    })
    with ws.transaction() as con:
        con.execute("UPDATE claims SET credibility = claim_status.credibility FROM claim_status "
                    "WHERE claims.report_id = claim_status.report_id AND claims.claim_no = claim_status.claim_no")
    t = list(fusion.tracks.values())
    _replace(ws, "source_track", {
        "source": [x.source for x in t], "reliability": [x.reliability for x in t], "claims": [x.claims for x in t],
        "stories": [x.stories for x in t], "corroborated": [x.corroborated for x in t],
        "contradicted": [x.contradicted for x in t], "unverified": [x.unverified for x in t],
        "not_checkable": [x.not_checkable for x in t], "factor": [x.factor() for x in t],
    })
    return {"claim_status": len(s), "source_track": len(t)}


def write_assessments(ws: Workspace, assessments: Sequence[Assessment]) -> dict[str, int]:
    docs = [assessment_json(a) for a in assessments]
    a = assessments
    _replace(ws, "assessments", {
        "assessment_id": [x.assessment_id for x in a], "place": [x.place for x in a], "actor": [x.actor for x in a],
        "as_of": [x.as_of for x in a], "window_start": [x.first for x in a], "window_end": [x.last for x in a],
        "hypothesis": [x.hypothesis for x in a], "likelihood": [x.likelihood for x in a],
        "words": [x.words for x in a], "band_low": [x.band[0] for x in a], "band_high": [x.band[1] for x in a],
        "confidence": [x.confidence for x in a], "confidence_why": [x.confidence_why for x in a],
        **{k: [json.dumps(d[k]) for d in docs]
           for k in ("probabilities", "prior", "evidence", "sensitivity", "indicators", "notes")},
    })
    return {"assessments": len(a)}
