"""Reports: articles, statements and feed items read from text, HTML or RSS/Atom, stored in the workspace."""

from basewatch.reports.model import Report
from basewatch.reports.readers import read_reports

__all__ = ["Report", "read_reports"]
