"""The brief's maritime section: escaped text, figures, provenance; empty without AIS."""

from __future__ import annotations

import base64
import re

from basewatch.maritime import build
from basewatch.present.maritime import render_section
from basewatch.workspace.core import Workspace
from tests.maritime.conftest import add_track, radial


def test_empty_workspace_has_no_section(workspace: Workspace) -> None:
    assert render_section(workspace) == ""


def test_section_escapes_names_and_shows_calls_and_dark_periods(port_ws: Workspace) -> None:
    # A call at the test port (stopped 0-60 min), then regular reports, then an 8 h silence.
    track = [(0, 1, 0.0), (30, 1, 0.0), (60, 1, 0.0), *[(70 + 10 * i, 5 + 2 * i, 10) for i in range(12)],
             (180 + 480, 300, 10)]
    add_track(port_ws, "273000001", radial(track))
    port_ws.con.execute(
        "INSERT INTO ais_static (mmsi, name, source_id, row_no) VALUES ('273000001', 'EVIL <b>&\"SHIP\"', 1, 99)"
    )
    port_ws.con.execute("INSERT INTO sources (source_id, path, sha256, input_format, ingested_at, accepted, rejected, "
                        "duplicates, reasons) VALUES (1, '/data/x/ais_log.nmea', 'abc', 'nmea', now(), 18, 0, 0, NULL)")
    build(port_ws)
    html = render_section(port_ws)
    assert "EVIL &lt;b&gt;&amp;&quot;SHIP&quot;" in html and "<b>&" not in html
    assert "1 port calls at watched ports" in html and "1 dark periods" in html
    assert "ais_log.nmea row 1 to ais_log.nmea row 3 (3 positions)" in html
    assert "ais_log.nmea row 15; ais_log.nmea row 16" in html  # the reports bounding the silence
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', html)
    assert len(images) == 1 and base64.b64decode(images[0])[:8] == b"\x89PNG\r\n\x1a\n"
