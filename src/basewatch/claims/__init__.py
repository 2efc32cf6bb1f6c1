"""Claims: who says what happened where, and how sure they are, extracted from reports."""

from basewatch.claims.extractor import Extractor, RuleExtractor, extract_claims
from basewatch.claims.model import Claim, DateRange, PlaceRef

__all__ = ["Claim", "DateRange", "Extractor", "PlaceRef", "RuleExtractor", "extract_claims"]
