from __future__ import annotations

from pathlib import Path

import pytest

from basewatch.claims.grading import ENV_GRADES, GradingError, SourceGrades, load_grades, parse_grades


def test_package_table_and_unknown_is_f() -> None:
    g = SourceGrades.default()
    assert g.reliability("Reuters") == "B"
    assert g.reliability("according to the WSJ") == "B"
    assert g.reliability("Kremlin spokesman Dmitry Peskov") == "C"
    assert g.reliability("a blogger nobody knows") == "F"


def test_user_override_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    table = tmp_path / "grades.toml"
    table.write_text('[[sources]]\nname = "Reuters"\nreliability = "A"\n\n[kinds]\nimagery = "B"\n')
    monkeypatch.setenv(ENV_GRADES, str(table))
    g = SourceGrades.default()
    assert g.reliability("Reuters") == "A"
    assert g.reliability("satellite images", "imagery") == "B"
    assert g.reliability("satellite images", "tracking") == "F"


def test_bad_tables_name_the_entry(tmp_path: Path) -> None:
    with pytest.raises(GradingError, match=r"sources\[0\] \(X\): 'reliability' must be one of A-F"):
        parse_grades('[[sources]]\nname = "X"\nreliability = "G"\n', "t.toml")
    with pytest.raises(GradingError, match="not valid TOML"):
        parse_grades("[[sources]\n", "t.toml")
    with pytest.raises(GradingError, match="cannot read"):
        load_grades(tmp_path / "missing.toml")
