from __future__ import annotations

from pathlib import Path

from basewatch.workspace.core import Workspace, migrations


def test_new_workspace_has_latest_schema_and_default_sites(tmp_path: Path) -> None:
    with Workspace(tmp_path / "w.duckdb") as ws:
        assert ws.schema_version() == migrations()[-1][0]
        row = ws.con.execute("SELECT lat, lon, icao FROM sites WHERE site_id = 'khmeimim'").fetchone()
        # airportsdata OSLK: 35.4011 N 35.9487 E (BRIEF section 4)
        assert row == (35.4011, 35.9487, "OSLK")


def test_reopen_applies_nothing_twice(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    Workspace(path).close()
    with Workspace(path) as ws:
        assert ws.migrate() == []
        assert ws.con.execute("SELECT count(*) FROM watchlist_files").fetchone() == (1,)


def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    with Workspace(tmp_path / "w.duckdb") as ws:
        try:
            with ws.transaction() as con:
                con.execute("DELETE FROM sites")
                raise RuntimeError("boom")
        except RuntimeError:
            pass
        assert ws.con.execute("SELECT count(*) FROM sites").fetchone()[0] >= 14  # type: ignore[index]
