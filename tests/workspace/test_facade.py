"""The library's public surface: the names `basewatch` exports, the façade's signatures, opening rules."""

from __future__ import annotations

import inspect
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

import basewatch
from basewatch import Workspace, WorkspaceError

EXPORTED = ["BasewatchError", "BuildSummary", "IngestReport", "InputFormatError", "QueryError", "UsageError",
            "Workspace", "WorkspaceError", "WorkspaceInfo", "__version__"]

# the signatures front ends code against (COMMON brief of issue 9), as inspect renders them
FACADE = {
    "open": "(path: 'Path | str', *, create: 'bool' = False, read_only: 'bool' = False) -> 'Workspace'",
    "ingest": "(self, paths: 'Iterable[Path | str] | Path | str', *, input_format: 'str' = 'auto') "
              "-> 'list[IngestReport]'",
    "analyse": "(self, *, engine: 'str' = 'duckdb', master: 'str | None' = None, force: 'bool' = False) "
               "-> 'list[BuildSummary]'",
    "ensure": "(self, name: 'str') -> 'BuildSummary'",
    "sites": "(self) -> 'pa.Table'",
    "actors": "(self) -> 'pa.Table'",
    "sources": "(self) -> 'pa.Table'",
    "flights": "(self, *, site: 'str | None' = None, actor: 'str | None' = None, since: 'When' = None, "
               "until: 'When' = None, limit: 'int | None' = None) -> 'pa.Table'",
    "activity": "(self, site: 'str', *, since: 'When' = None, until: 'When' = None, actor: 'str | None' = None) "
                "-> 'pa.Table'",
    "corridors": "(self, *, actor: 'str | None' = None, since: 'When' = None, until: 'When' = None, "
                 "mode: 'str | None' = None) -> 'pa.Table'",
    "port_calls": "(self, *, site: 'str | None' = None, actor: 'str | None' = None, since: 'When' = None, "
                  "until: 'When' = None) -> 'pa.Table'",
    "voyages": "(self, *, site: 'str | None' = None, actor: 'str | None' = None, since: 'When' = None, "
               "until: 'When' = None) -> 'pa.Table'",
    "dark_periods": "(self, *, near: 'str | None' = None, actor: 'str | None' = None, since: 'When' = None, "
                    "until: 'When' = None) -> 'pa.Table'",
    "vessels": "(self, *, actor: 'str | None' = None) -> 'pa.Table'",
    "claims": "(self, *, site: 'str | None' = None, event: 'str | None' = None, certainty: 'str | None' = None, "
              "status: 'str | None' = None) "
              "-> 'pa.Table'",
    "brief": "(self, path: 'Path | str', *, sites: 'Sequence[str] | None' = None, actor: 'str | None' = None, "
             "since: 'When' = None, until: 'When' = None) -> 'Path'",
}


def test_exported_names_are_pinned() -> None:
    assert basewatch.__all__ == EXPORTED
    assert dir(basewatch) == EXPORTED
    for name in EXPORTED:
        assert getattr(basewatch, name) is not None
    with pytest.raises(AttributeError):
        basewatch.not_a_name  # noqa: B018


def test_importing_basewatch_loads_neither_duckdb_nor_pyarrow() -> None:
    probe = "import basewatch, sys; print(sorted(m for m in ('duckdb', 'pyarrow', 'pandas') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_package_ships_py_typed() -> None:
    assert (resources.files("basewatch") / "py.typed").is_file()


@pytest.mark.parametrize("name", sorted(FACADE))
def test_facade_signature(name: str) -> None:
    attr = inspect.getattr_static(Workspace, name)
    assert str(inspect.signature(getattr(Workspace, name) if name == "open" else attr)) == FACADE[name]
    if name == "open":
        assert isinstance(attr, classmethod)


def test_opening_a_missing_workspace_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "typo.duckdb"
    with pytest.raises(WorkspaceError, match="no workspace here"):
        Workspace.open(missing)
    with pytest.raises(WorkspaceError):
        Workspace.open(missing, read_only=True)
    with pytest.raises(WorkspaceError):
        Workspace.open(missing, create=True, read_only=True)
    assert not missing.exists()
    with Workspace.open(missing, create=True) as ws:
        assert ws.sites().num_rows > 0  # the founding-case watchlist is installed
    with Workspace.open(missing, read_only=True) as ws:
        assert ws.read_only and ws.sites().num_rows > 0
    with pytest.raises(WorkspaceError, match="not a workspace file"):
        Workspace.open(tmp_path)


def test_reading_a_read_only_workspace_builds_nothing(tmp_path: Path) -> None:
    path = tmp_path / "ws.duckdb"
    Workspace.open(path, create=True).close()
    with Workspace.open(path, read_only=True) as ws:
        assert ws.flights().num_rows == 0 and ws.port_calls().num_rows == 0
        built = {p.name: p.built_at for p in ws.info().products}
        assert {"flights", "maritime", "alerts"} <= set(built) and set(built.values()) == {None}
