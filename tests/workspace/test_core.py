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


def test_a_migration_filling_a_gap_is_applied_later(tmp_path: Path, monkeypatch: object) -> None:
    import pytest

    from basewatch.workspace import core

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    shipped = core.migrations()
    top = shipped[-1][0]
    later = (top + 2, f"{top + 2:04d}_later.sql", "CREATE TABLE later_t (x INTEGER);")
    gap = (top + 1, f"{top + 1:04d}_gap.sql", "CREATE TABLE gap_t (x INTEGER);")
    monkeypatch.setattr(core, "migrations", lambda: [*shipped, later])
    path = tmp_path / "w.duckdb"
    Workspace(path).close()
    monkeypatch.setattr(core, "migrations", lambda: [*shipped, gap, later])
    with Workspace(path) as ws:
        assert ws.con.execute("SELECT count(*) FROM gap_t").fetchone() == (0,)
        versions = [r[0] for r in ws.con.execute("SELECT version FROM schema_version ORDER BY 1").fetchall()]
        assert versions[-2:] == [top + 1, top + 2]


def test_memory_cap_is_applied_then_restored(tmp_path: Path) -> None:
    with Workspace(tmp_path / "w.duckdb") as ws:
        def limit() -> str:
            row = ws.con.execute("SELECT current_setting('memory_limit')").fetchone()
            assert row is not None
            return str(row[0])

        default = limit()
        with ws.memory_capped("512MB"):
            # DuckDB reports limits in binary units: 512 MB = 488.2 MiB, 256 MB = 244.1 MiB.
            assert limit() == "488.2 MiB"
            with ws.memory_capped("256MB"):
                assert limit() == "244.1 MiB"
            assert limit() == "488.2 MiB"
        assert limit() == default
