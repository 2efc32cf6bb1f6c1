"""The whole dependency tree is pinned: constraints.txt pins every package of the test install, and agrees
with every `==` pin in pyproject.toml (regenerate with scripts/lock.sh when they disagree)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)(\[[^\]]*\])?==([^\s;]+)")


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _constraints() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            m = PIN.match(line)
            assert m, f"constraints.txt: not a pin: {line!r}"
            pins[_norm(m.group(1))] = m.group(3)
    return pins


def test_pyproject_pins_agree_with_the_constraints() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [*project["dependencies"], *(d for ds in project["optional-dependencies"].values() for d in ds)]
    pins = _constraints()
    for dep in wanted:
        m = PIN.match(dep)
        assert m, f"pyproject.toml: {dep!r} is not pinned with =="
        assert pins.get(_norm(m.group(1))) == m.group(3), f"{dep}: constraints.txt has {pins.get(_norm(m.group(1)))}"


def test_transitive_dependencies_are_pinned_too() -> None:
    pins = _constraints()
    # reached only through other packages: lxml's HTML cleaner (trafilatura's HTML reading failed without
    # it on a fresh machine), WeasyPrint's PDF writer, DuckDB's and Ibis's own dependencies
    for name in ("lxml", "lxml-html-clean", "pydyf", "tinycss2", "sqlglot", "pyarrow", "numpy"):
        assert name in pins, name


def test_ci_and_readme_install_with_the_constraints() -> None:
    assert 'pip install -q -c constraints.txt -e ".[test]"' in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "-c constraints.txt" in (ROOT / "README.md").read_text(encoding="utf-8")
