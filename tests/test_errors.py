"""Every BasewatchError subclass lives in basewatch/errors.py and is named in its docstring's tree."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import basewatch.errors as errors

SRC = Path(__file__).resolve().parents[1] / "src" / "basewatch"


def test_every_basewatch_error_is_defined_in_errors_py() -> None:
    outside = []
    for path in SRC.rglob("*.py"):
        if path.name == "errors.py" and path.parent == SRC:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any("Error" in ast.unparse(b) for b in node.bases):
                outside.append(f"{path.relative_to(SRC)}:{node.name}")
    assert outside == []


def test_the_docstring_tree_names_every_error() -> None:
    doc = errors.__doc__ or ""
    classes = [c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, Exception)
               and c.__module__ == errors.__name__]
    assert len(classes) >= 12
    for cls in classes:
        assert cls.__name__ in doc, cls.__name__
        user = issubclass(cls, errors.BasewatchError)
        assert user or cls is errors.PlanError, cls.__name__  # PlanError: a bug, not a user's error
