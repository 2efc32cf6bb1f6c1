"""The evidence of count alerts as JSON text, built in Arrow (evidence can be 100,000s of rows).

Each alert's evidence is the list `[{"kind": ..., "id": ...}, ...]` sorted by (kind, id), exactly as
`json.dumps` writes it. Ids of printable ASCII with no quote or backslash (all ids basewatch makes) are
quoted as they are; any other id goes through `json.dumps` itself.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pyarrow as pa

EvidenceKey = tuple[str, int, int]
_PLAIN = r"^[ !#-\[\]-~]*$"  # printable ASCII but '"' and '\': json.dumps leaves it as it is
EVIDENCE_COLUMNS = ("series", "first_day", "last_day", "ev_kind", "ev_id")


def _quoted(values: pa.Array) -> pa.Array:
    import pyarrow as pa
    import pyarrow.compute as pc

    values = values.cast(pa.string())
    if pc.all(pc.match_substring_regex(values, _PLAIN)).as_py() is not False:
        return pc.binary_join_element_wise(pa.scalar('"'), values, pa.scalar('"'), "")
    return pa.array([json.dumps(v) for v in values.to_pylist()], pa.string())


def evidence_json(parts: list[pa.Table]) -> dict[EvidenceKey, str]:
    """(series, first day, last day) -> the JSON list of its evidence, from rows of EVIDENCE_COLUMNS."""
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = [p.select(list(EVIDENCE_COLUMNS)) for p in parts if p.num_rows]
    if not parts:
        return {}
    t = pa.concat_tables([p.cast(parts[0].schema) for p in parts]).combine_chunks()
    t = t.take(pc.sort_indices(t, [(c, "ascending") for c in EVIDENCE_COLUMNS]))
    series = pc.dictionary_encode(t.column("series").combine_chunks())
    code = np.asarray(series.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    first = np.asarray(t.column("first_day").to_numpy(), dtype=np.int64)
    last = np.asarray(t.column("last_day").to_numpy(), dtype=np.int64)
    new = np.r_[True, (code[1:] != code[:-1]) | (first[1:] != first[:-1]) | (last[1:] != last[:-1])]
    starts = np.flatnonzero(new)
    items = pc.binary_join_element_wise(
        pa.scalar('{"kind": '), _quoted(t.column("ev_kind").combine_chunks()), pa.scalar(', "id": '),
        _quoted(t.column("ev_id").combine_chunks()), pa.scalar("}"), "")
    offsets = pa.array(np.r_[starts, code.size].astype(np.int32))
    lists = pa.ListArray.from_arrays(offsets, items)
    text = pc.binary_join_element_wise(pa.scalar("["), pc.binary_join(lists, ", "), pa.scalar("]"), "")
    names = series.dictionary.to_pylist()
    keys = zip((names[i] for i in code[starts]), first[starts].tolist(), last[starts].tolist(), strict=True)
    return dict(zip(keys, text.to_pylist(), strict=True))
