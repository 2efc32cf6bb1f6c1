from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from basewatch.errors import InputFormatError
from basewatch.reports.header import parse_header
from basewatch.reports.readers import read_reports
from tests.conftest import shared_file


def test_plain_text_with_source_and_title_header(tmp_path: Path) -> None:
    p = tmp_path / "r.txt"
    text = ("source: https://example.org/a\nJets leave base (Example Wire) | 2025-01-14\n\n"
            "Russian jets left the base on Monday.\n")
    p.write_text(text, encoding="utf-8")
    [r] = read_reports(p)
    assert (r.url, r.title, r.publisher, r.date) == (
        "https://example.org/a", "Jets leave base (Example Wire)", "Example Wire", dt.date(2025, 1, 14))
    assert r.text == text
    assert r.text[r.body_start:].lstrip() == "Russian jets left the base on Monday.\n"
    assert r.format == "text" and r.item_no == 1


def test_flags_override_file_metadata(tmp_path: Path) -> None:
    p = tmp_path / "r.txt"
    p.write_text("date: 2024-12-01\nTroops left.\n", encoding="utf-8")
    [r] = read_reports(p)
    assert r.date == dt.date(2024, 12, 1)
    [r] = read_reports(p, date=dt.date(2025, 2, 2), publisher="Me", url="https://x.test/")
    assert (r.date, r.publisher, r.url) == (dt.date(2025, 2, 2), "Me", "https://x.test/")


def test_no_header_means_body_from_the_start() -> None:
    h = parse_header("Russia has initiated a significant withdrawal.\nMore text.")
    assert (h.body_start, h.url, h.date) == (0, None, None)


def test_shared_dev_report_header() -> None:
    [r] = read_reports(shared_file("reports/dev/12.txt"))
    assert r.url == "https://www.kyivpost.com/post/44879"
    assert r.date == dt.date(2025, 1, 3)
    assert r.publisher == "Kyiv Post"
    assert r.text[r.body_start:].lstrip().startswith("Ukraine's Main Intelligence Directorate")


def test_html_main_text(tmp_path: Path) -> None:
    p = tmp_path / "a.html"
    body = " ".join(["Russian cargo planes flew from Hmeimim to Benghazi on Monday, flight data showed."] * 3)
    p.write_text(f"<html><head><title>Airlift to Libya</title></head><body><nav>Home | World</nav>"
                 f"<article><h1>Airlift to Libya</h1><p>{body}</p><p>Officials declined to comment on the "
                 f"flights to the eastern Libyan base.</p></article><footer>Copyright</footer></body></html>",
                 encoding="utf-8")
    [r] = read_reports(p)
    assert r.format == "html"
    assert "Russian cargo planes flew from Hmeimim to Benghazi" in r.text
    assert "Copyright" not in r.text and "Home | World" not in r.text


RSS = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Example Wire</title>
<item><title>Jets leave Syria</title><link>https://example.org/1</link>
<pubDate>Tue, 14 Jan 2025 10:00:00 GMT</pubDate>
<description>&lt;p&gt;Russian jets left Hmeimim on Monday, officials said.&lt;/p&gt;</description></item>
<item><title>Ships due in Tartus</title><link>https://example.org/2</link>
<pubDate>Wed, 15 Jan 2025 10:00:00 GMT</pubDate><description>Two landing ships are due in Tartus.</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Example Atom</title>
<entry><title>Strikes in Syria</title><link href="https://example.org/a"/><updated>2024-12-09T12:00:00Z</updated>
<content type="html">&lt;p&gt;CENTCOM said its forces struck ISIS camps.&lt;/p&gt;</content></entry>
</feed>"""


def test_rss_items_are_reports(tmp_path: Path) -> None:
    p = tmp_path / "f.rss"
    p.write_text(RSS, encoding="utf-8")
    rs = read_reports(p)
    assert [(r.item_no, r.format, r.title, r.url, r.date, r.publisher) for r in rs] == [
        (1, "rss", "Jets leave Syria", "https://example.org/1", dt.date(2025, 1, 14), "Example Wire"),
        (2, "rss", "Ships due in Tartus", "https://example.org/2", dt.date(2025, 1, 15), "Example Wire"),
    ]
    assert rs[0].text[rs[0].body_start:].strip() == "Russian jets left Hmeimim on Monday, officials said."


def test_atom_entries_are_reports(tmp_path: Path) -> None:
    p = tmp_path / "f.xml"
    p.write_text(ATOM, encoding="utf-8")
    [r] = read_reports(p)
    assert (r.format, r.title, r.date, r.publisher) == ("atom", "Strikes in Syria", dt.date(2024, 12, 9),
                                                        "Example Atom")
    assert "CENTCOM said its forces struck ISIS camps." in r.text


def test_bad_inputs_are_named(tmp_path: Path) -> None:
    empty = tmp_path / "e.txt"
    empty.write_text("  \n")
    with pytest.raises(InputFormatError, match=r"e\.txt: empty file"):
        read_reports(empty)
    latin = tmp_path / "l.txt"
    latin.write_bytes(b"line one\nTroops left Tartus \xe9t\xe9.\n")
    with pytest.raises(InputFormatError, match=r"l.txt:2: not UTF-8"):
        read_reports(latin)
    with pytest.raises(InputFormatError, match="cannot read"):
        read_reports(tmp_path / "missing.txt")


def test_html_report_reads_from_the_installed_dependencies() -> None:
    """bad-inputs/19: trafilatura needs lxml.html.clean, which lxml no longer ships (lxml_html_clean is pinned)."""
    (report,) = read_reports(shared_file("bad-inputs/19_report_html.html"))
    assert report.format == "html"
    assert "Kremlin spokesman Dmitry Peskov confirmed Russia's engagement with rebels in Damascus" in report.text
