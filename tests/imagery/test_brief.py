"""The brief's imagery section: a before/after pair drawn with the change outlined, text escaped."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import re
from pathlib import Path

import numpy as np
from PIL import Image

from basewatch.imagery.brief import PANEL_PX, STATUS_COLOUR, render_section
from basewatch.imagery.synthetic import SceneSpec, make_scene
from basewatch.present.brief import esc
from basewatch.workspace.core import Workspace


def test_section_draws_the_pair_and_escapes(tmp_path: Path, workspace: Workspace) -> None:
    assert render_section(workspace, esc) == ""  # nothing stored: no section
    scene = make_scene(SceneSpec(size=520, objects=4, removed=1, added=0, seed=31, object_side=60))
    for name, arr in (("b.png", scene.before), ("a.png", scene.after)):
        Image.fromarray(arr.astype(np.uint8)).save(tmp_path / name)
    feats = [{"type": "Feature", "properties": {"class": "aircraft"},
              "geometry": {"type": "Polygon", "coordinates": [[[b.x0, b.y0], [b.x1, b.y0], [b.x1, b.y1], [b.x0, b.y1],
                                                                [b.x0, b.y0]]]}} for b in scene.before_boxes]
    labels = tmp_path / "labels.geojson"
    labels.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    b = workspace.add_observation(tmp_path / "b.png", site="khmeimim", acquired_at=dt.date(2024, 12, 1),
                                  labels=labels, provider="<b>Maxar</b>")
    a = workspace.add_observation(tmp_path / "a.png", site="khmeimim", acquired_at=dt.date(2024, 12, 15))
    cmp = workspace.compare_imagery(b.observation_id, a.observation_id)
    html = render_section(workspace, esc)
    assert "khmeimim: 2024-12-01 -&gt; 2024-12-15" in html
    assert "&lt;b&gt;Maxar&lt;/b&gt;" in html and "<b>Maxar" not in html
    assert "objects 4 -&gt; about 3.0" in html
    uri = re.search(r'src="data:image/png;base64,([^"]+)"', html)
    assert uri is not None
    fig = Image.open(io.BytesIO(base64.b64decode(uri.group(1)))).convert("RGB")
    assert fig.size == (2 * PANEL_PX + 8, PANEL_PX)  # 520 px pictures at scale 1
    gone = next(c for c in cmp.result.calls if c.status == "gone")
    x0, y0 = round(gone.bbox_px[0]), round(gone.bbox_px[1])
    # the gone box is outlined in red on the before panel, at its own coordinates (scale 1)
    top_edge = [fig.getpixel((x, y0)) for x in range(x0 + 2, x0 + 10)]
    assert all(p == STATUS_COLOUR["gone"] for p in top_edge)
