"""`basewatch imagery add|list|compare` end to end on a real workspace file; bad input exits 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import shared_file


def _run(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "basewatch", "-w", str(ws), "imagery", *args],
                          capture_output=True, text=True, timeout=300, check=False)


def test_add_list_compare_and_stac_export(tmp_path: Path) -> None:
    import pystac

    folder = shared_file("imagery/airbus_airport/annotations.csv").parent
    ws = tmp_path / "ws.duckdb"
    a = _run(ws, "add", str(folder / "date_a.jpg"), "--site", "khmeimim", "--time", "2024-12-01T09:00Z",
             "--labels", str(folder / "annotations.csv"), "--provider", "Airbus", "--resolution-m", "0.5",
             "--format", "json")
    assert a.returncode == 0, a.stderr
    added = json.loads(a.stdout)
    assert added["counts"] == {"Airplane": 30} and added["labels"] == 30
    b = _run(ws, "add", str(folder / "date_b.jpg"), "--site", "khmeimim", "--time", "2024-12-20",
             "--count", "Airplane=23", "--format", "json")
    assert b.returncode == 0, b.stderr
    listed = json.loads(_run(ws, "list", "--format", "json").stdout)
    assert [r["counts"] for r in listed] == [{"Airplane": 30}, {"Airplane": 23}]
    c = _run(ws, "compare", added["observation_id"], json.loads(b.stdout)["observation_id"], "--format", "json")
    assert c.returncode == 0, c.stderr
    res = json.loads(c.stdout)
    assert len(res["boxes"]) == 30 and res["count"]["before"] == 30
    out = tmp_path / "stac"
    assert _run(ws, "list", "--format", "stac", str(out)).returncode == 0
    cat = pystac.Catalog.from_file(str(out / "catalog.json"))
    items = {i.id: i for i in cat.get_items(recursive=True)}
    first = items[added["observation_id"]]
    assert first.properties["label:overviews"][0]["counts"] == [{"name": "Airplane", "count": 30}]
    assert first.properties["basewatch:site_id"] == "khmeimim" and first.properties["gsd"] == 0.5
    assert (out / added["observation_id"] / "labels.geojson").is_file()


@pytest.mark.parametrize(("args", "message"), [
    (["add", "missing.jpg", "--site", "khmeimim", "--time", "2024-12-01"], "missing.jpg: no such file"),
    (["add", "{img}", "--site", "nowhere", "--time", "2024-12-01"], "unknown site 'nowhere'"),
    (["add", "{img}", "--site", "khmeimim", "--time", "yesterday"], "--time must be ISO 8601"),
    (["add", "{img}", "--site", "khmeimim", "--time", "2024-12-01", "--count", "jets"], "--count must be CLASS=N"),
    (["compare", "obs-1", "obs-2"], "no imagery observation 'obs-1'"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    img = tmp_path / "x.png"
    from PIL import Image

    Image.new("L", (8, 8)).save(img)
    r = _run(tmp_path / "ws.duckdb", *[a.replace("{img}", str(img)) for a in args])
    assert r.returncode == 2
    assert message in r.stderr and "Traceback" not in r.stderr
