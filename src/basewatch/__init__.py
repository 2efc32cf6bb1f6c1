"""basewatch: detect military force-posture changes from flight, ship, imagery and report evidence."""

from basewatch.workspace.core import Workspace

__all__ = ["Workspace", "__version__"]
__version__ = "0.1.0"
