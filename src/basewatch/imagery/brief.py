"""The brief's imagery section: each stored comparison as a before/after pair with the change outlined.

Pictures are drawn with Pillow at a reduced size and embedded as PNG data URIs (the brief stays one
file, offline). Outlines: analyst regions white, changed components magenta, labelled boxes green
(still there), red (gone) or yellow (uncertain), new objects cyan. Every text from the data is escaped.
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

    from basewatch.workspace.core import Workspace

STATUS_COLOUR = {"still_there": (26, 152, 80), "gone": (215, 25, 28), "uncertain": (230, 200, 0)}
NEW_COLOUR = (0, 200, 230)
REGION_COLOUR = (255, 255, 255)
COMPONENT_COLOUR = (220, 0, 220)
PANEL_PX = 520
MAX_PAIRS = 4


def _load(path: str | None) -> Image.Image | None:
    from PIL import Image, UnidentifiedImageError

    if not path or not Path(path).is_file():
        return None
    try:
        with Image.open(path) as im:
            im.load()
            return im.convert("RGB")
    except (UnidentifiedImageError, OSError):
        return None


def _floats(v: object) -> list[float]:
    return [float(x) for x in v if isinstance(x, int | float)] if isinstance(v, list) else []


def _items(v: object) -> list[object]:
    return list(v) if isinstance(v, list) else []


def _field(v: object, key: str) -> object:
    return v.get(key) if isinstance(v, dict) else None


def _panel(im: Image.Image, result: dict[str, object], *, after: bool) -> Image.Image:
    from PIL import ImageDraw

    f = PANEL_PX / max(im.width, im.height)
    small = im.resize((max(1, round(im.width * f)), max(1, round(im.height * f))))
    draw = ImageDraw.Draw(small)

    def box(b: list[float], colour: tuple[int, int, int], width: int = 2) -> None:
        if len(b) >= 4:
            draw.rectangle([b[0] * f, b[1] * f, b[2] * f, b[3] * f], outline=colour, width=width)

    for rings in _items(result.get("region_rings_px")):
        for ring in _items(rings):
            pts = [(p[0] * f, p[1] * f) for p in (_floats(q) for q in _items(ring)) if len(p) >= 2]
            if len(pts) >= 3:
                draw.line([*pts, pts[0]], fill=REGION_COLOUR, width=2)
    if after:
        for c in _items(result.get("largest_components_px")):
            box(_floats(c), COMPONENT_COLOUR, 1)
        for n in _items(result.get("new_objects")):
            box(_floats(_field(n, "bbox_px")), NEW_COLOUR)
    for b in _items(result.get("boxes")):
        box(_floats(_field(b, "bbox_px")), STATUS_COLOUR.get(str(_field(b, "status")), (255, 255, 255)))
    return small


def pair_figure(before: Image.Image, after: Image.Image, result: dict[str, object]) -> str:
    """The two panels side by side as a PNG data URI."""
    from PIL import Image

    a, b = _panel(before, result, after=False), _panel(after, result, after=True)
    canvas = Image.new("RGB", (a.width + b.width + 8, max(a.height, b.height)), (255, 255, 255))
    canvas.paste(a, (0, 0))
    canvas.paste(b, (a.width + 8, 0))
    buf = io.BytesIO()
    canvas.save(buf, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def render_section(ws: Workspace, esc: Callable[[object], str], site_ids: Sequence[str] = ()) -> str:
    """HTML for the latest comparisons (per site), or "" when none is stored."""
    exists = ws.con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'imagery_changes'").fetchone()
    if not exists or not exists[0]:
        return ""
    rows = ws.con.execute(
        "SELECT c.change_id, c.site_id, c.before_at, c.after_at, c.changed_fraction, c.result, "
        "b.image_path, a.image_path, b.provider, a.provider FROM imagery_changes c "
        "LEFT JOIN imagery_observations b ON b.observation_id = c.before_id "
        "LEFT JOIN imagery_observations a ON a.observation_id = c.after_id "
        "ORDER BY c.after_at DESC, c.added_at DESC").fetchall()
    if site_ids:
        rows = [r for r in rows if r[1] in site_ids]
    if not rows:
        return ""
    parts = ["<section><h2>Imagery: before and after</h2>",
             "<p>Registered, histogram-matched pairs. Outlines: regions white, changed areas magenta; labelled "
             "objects green (still there), red (gone), yellow (uncertain); new objects cyan.</p>"]
    for change_id, site, b_at, a_at, frac, result_json, b_path, a_path, b_prov, a_prov in rows[:MAX_PAIRS]:
        result = json.loads(result_json) if isinstance(result_json, str) else dict(result_json or {})
        reg = result.get("registration") or {}
        title = f"{site}: {b_at:%Y-%m-%d} -> {a_at:%Y-%m-%d}"
        parts.append(f"<h3>{esc(title)}</h3>")
        bi, ai = _load(b_path), _load(a_path)
        if bi is not None and ai is not None:
            parts.append(f'<img class="chart" alt="{esc(title)} before and after" src="{pair_figure(bi, ai, result)}">')
        else:
            parts.append("<p>(pictures not found at their stored paths)</p>")
        facts = [f"change {change_id}", f"providers {b_prov or '?'} / {a_prov or '?'}",
                 f"shift {reg.get('shift_px')} px, residual {reg.get('residual_px')} px ({reg.get('method')})",
                 f"changed {100 * float(frac or 0):.2f} % of the overlap"]
        count = result.get("count")
        if isinstance(count, dict):
            facts.append(f"objects {count.get('before')} -> about {count.get('estimate')} "
                         f"(range {count.get('low')}-{count.get('high')}; {count.get('still_there')} still there, "
                         f"{count.get('gone')} gone, {count.get('uncertain')} uncertain, {count.get('new')} new)")
        parts.append("<ul>" + "".join(f"<li>{esc(x)}</li>" for x in facts) + "</ul>")
        regions = result.get("regions")
        if isinstance(regions, list) and regions:
            cells = "".join(
                f"<tr><td>{esc(r.get('name'))}</td><td>{100 * float(r.get('changed_fraction', 0)):.2f} %</td>"
                f"<td>{esc(r.get('components'))}</td><td>{esc(r.get('new_objects'))}</td></tr>"
                for r in regions if isinstance(r, dict))
            parts.append("<table><tr><th>region</th><th>changed</th><th>components</th><th>new objects</th></tr>"
                         f"{cells}</table>")
    parts.append("</section>")
    return "\n".join(parts)
