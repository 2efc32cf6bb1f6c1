"""Raw Mode-S readers at scale: the Toulouse jet1090 frames (71,939) repeated 5 times, an hour apart
(about 360k frames), written as 'time,hex' CSV, as Beast binary and as jet1090 JSON lines.

Baseline: rs1090.decode over the same hex strings without timestamps (the Rust decoder alone, no file
reading, checks, CPR or state merging): the least work any reader built on rs1090 must do.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

from harness import CACHE, SHARED, measure, report  # benchmarks/run.py puts benchmarks/ on sys.path

COPIES = 5
SOURCE = SHARED / "adsb" / "traffic_docs_tutorial_jet1090_toulouse.jsonl.gz"


def _frames() -> list[tuple[float, str]]:
    with gzip.open(SOURCE, "rt") as fh:
        base = [(float(r["timestamp"]), str(r["frame"])) for r in map(json.loads, fh)]
    span = base[-1][0] - base[0][0] + 3600.0
    return [(t + k * span, h) for k in range(COPIES) for t, h in base]


def _beast(frames: list[tuple[float, str]]) -> bytes:
    t0 = frames[0][0]
    out = bytearray()
    for t, h in frames:
        msg = bytes.fromhex(h)
        body = round((t - t0) * 12e6).to_bytes(6, "big") + b"\xff" + msg
        out += b"\x1a" + (b"3" if len(msg) == 14 else b"2") + body.replace(b"\x1a", b"\x1a\x1a")
    return bytes(out)


def main() -> None:
    if not SOURCE.exists():
        print(f"skipped: {SOURCE} not available")
        return
    CACHE.mkdir(exist_ok=True)
    frames = _frames()
    n = len(frames)
    start = int(frames[0][0])
    csv = CACHE / "modes_frames.csv"
    beast = CACHE / f"modes_frames-{start}.bin"
    jsonl = CACHE / "modes_frames.jsonl"
    if not csv.exists():
        csv.write_text("".join(f"{t:.6f},{h}\n" for t, h in frames))
        beast.write_bytes(_beast(frames))
        jsonl.write_text("".join(json.dumps({"timestamp": t, "frame": h}) + "\n" for t, h in frames))
    py = sys.executable
    base = (
        f"import rs1090; hexes = [l.split(',')[1] for l in open({str(csv)!r}).read().split()];"
        "rs1090.decode(hexes, batch=5000)"
    )

    def reader(module: str, name: str, path: Path) -> str:
        return (
            f"from pathlib import Path; from basewatch.ingest.adsb.{module} import READER{'S' if name else ''};"
            f"r = {'[x for x in READERS if x.name == ' + repr(name) + '][0]' if name else 'READER'};"
            f"t = r.read(Path({str(path)!r})).tables['aircraft_points']; assert t.num_rows > 0"
        )

    report(
        f"raw Mode-S readers, {n:,} frames (items = frames)",
        [
            measure("rs1090.decode alone", [py, "-c", base], n),
            measure("avr (time,hex CSV)", [py, "-c", reader("avr", "avr", csv)], n),
            measure("beast (binary)", [py, "-c", reader("beast", "", beast)], n),
            measure("jet1090 (JSON lines)", [py, "-c", reader("jet1090", "", jsonl)], n),
        ],
        baseline="rs1090.decode alone",
    )


if __name__ == "__main__":
    main()
