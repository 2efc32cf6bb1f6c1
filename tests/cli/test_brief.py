"""`basewatch brief --out FILE.html|FILE.pdf` on the demo's workspace: the PDF's text is searchable and
carries the sites and the figures; fonts are embedded; the HTML and PDF tell the same figures."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

from basewatch import Workspace
from basewatch.demo.run import DemoResult
from tests.conftest import copy_demo


@pytest.fixture(scope="module")
def demo(demo_short: DemoResult, tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    """A copy of the session's 17-18 December demo (tests/conftest.py): a brief may bring products up to date."""
    return copy_demo(demo_short, tmp_path_factory.mktemp("brief-demo"))


def _brief(ws: Path, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "basewatch", "-w", str(ws), "brief", "--out", str(out), *args],
                          capture_output=True, text=True, timeout=300, env={**os.environ, "COLUMNS": "80"})


def _pdf_text(path: Path) -> str:
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _departures(ws_path: Path, site: str) -> int:
    with Workspace.open(ws_path, read_only=True) as ws:
        return sum(f["origin_site"] == site for f in ws.flights(site=site).to_pylist())


def test_pdf_brief_has_searchable_sites_and_figures(demo: DemoResult, tmp_path: Path) -> None:
    out = tmp_path / "brief.pdf"
    proc = _brief(demo.workspace, out, "--site", "khmeimim", "--site", "al-khadim", "--actor", "ru-mod-transport")
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes().startswith(b"%PDF-")
    text = _pdf_text(out)
    n = _departures(demo.workspace, "khmeimim")
    assert n > 0
    assert re.search(rf"Khmeimim[^:]*: {n} departures", text), text[:2000]
    assert "al-Khadim" in text and "Corridors of actor ru-mod-transport" in text
    reader = pypdf.PdfReader(str(out))
    fonts = [f for page in reader.pages for f in (page["/Resources"].get("/Font") or {}).values()]
    assert fonts
    for ref in fonts:
        font = ref.get_object()
        descriptor = (font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"])
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.get_object())  # embedded


def test_html_brief_tells_the_same_figures(demo: DemoResult, tmp_path: Path) -> None:
    html, pdf = tmp_path / "b.html", tmp_path / "b.pdf"
    for out in (html, pdf):
        proc = _brief(demo.workspace, out, "--site", "khmeimim", "--since", "2024-12-17", "--until", "2024-12-18")
        assert proc.returncode == 0, proc.stderr
    page = html.read_text(encoding="utf-8")
    assert "<script" not in page and "http://" not in page.replace("http://www.w3.org", "")
    figures = re.findall(r"(\d+) departures and (\d+) arrivals", page)
    assert figures and figures == re.findall(r"(\d+) departures and (\d+) arrivals", _pdf_text(pdf))


def test_brief_user_errors(demo: DemoResult, tmp_path: Path) -> None:
    for args, message in (((), "written as .html or .pdf"), (("--site", "atlantis"), "unknown site 'atlantis'"),
                          (("--since", "soon"), "--since 'soon'")):
        out = tmp_path / ("brief.docx" if not args else "brief.html")
        proc = _brief(demo.workspace, out, *args)
        assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and message in proc.stderr, proc.stderr
        assert not out.exists() and not list(tmp_path.glob("*.partial"))
    missing = _brief(tmp_path / "none.duckdb", tmp_path / "b.html")
    assert missing.returncode == 2 and "no workspace here" in missing.stderr
    assert not (tmp_path / "none.duckdb").exists()
