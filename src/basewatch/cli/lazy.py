"""Names bound now and imported on first use, so that registering the CLI loads no heavy library.

Typer reads every command's signature when the app is built, so each command module is imported then; what
a command only needs while it runs (pyarrow, DuckDB, the analytics) is imported when it runs. Prefer a
function-level import; `lazy` is for module-level names that code we must not restructure refers to.
"""

from __future__ import annotations

import importlib
from typing import Any


class Lazy:
    """Stands for `module` (or `module.attribute`), imported at the first attribute access or call."""

    __slots__ = ("_attribute", "_module", "_target")

    def __init__(self, module: str, attribute: str | None = None) -> None:
        self._module = module
        self._attribute = attribute
        self._target: Any = None

    def resolve(self) -> Any:
        """The module or attribute itself (imported now if it was not yet)."""
        if self._target is None:
            target: Any = importlib.import_module(self._module)
            self._target = target if self._attribute is None else getattr(target, self._attribute)
        return self._target

    def __getattr__(self, name: str) -> Any:
        if name in Lazy.__slots__:  # not yet set (e.g. while copying): never recurse into resolve()
            raise AttributeError(name)
        return getattr(self.resolve(), name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.resolve()(*args, **kwargs)

    def __repr__(self) -> str:
        name = self._module if self._attribute is None else f"{self._module}.{self._attribute}"
        return f"<lazy {name}{'' if self._target is None else ' (imported)'}>"


def lazy(module: str, attribute: str | None = None) -> Any:
    """A stand-in for `import module` or `from module import attribute` that imports on first use."""
    return Lazy(module, attribute)
