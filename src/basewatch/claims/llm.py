"""Optional extractor through an OpenAI-compatible chat-completions endpoint (a local server the user runs).

The model proposes claims with the evidence quoted verbatim; offsets come from finding that quote in the
text (claims whose quote is not in the text are dropped), places and dates are resolved here with the same
gazetteer and date rules as the default extractor, and labels outside the fixed vocabularies are refused.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from basewatch.claims.actors import ActorFinder
from basewatch.claims.dates import first_date
from basewatch.claims.extractor import Document
from basewatch.claims.grading import SourceGrades
from basewatch.claims.model import CERTAINTIES, EVENT_CLASSES, SOURCE_KINDS, Claim
from basewatch.claims.places import Gazetteer, unique_places
from basewatch.errors import LLMBackendError
from basewatch.watchlist.model import Site

PROMPT = (
    "You extract claims about military force posture from a news report. Return only a JSON object "
    '{"claims": [...]}. Each claim: "evidence" (one or more whole sentences copied exactly from the report), '
    '"event" (withdrawal | deployment | transport | basing | strike | other), "source" (who says so, as named; '
    '"reporter" when nobody is named), "source_kind" (official | intelligence | imagery | tracking | media | '
    'expert | anonymous | reporter), "certainty" (asserted | hedged | denied), "actors" (list of names).'
)


@dataclass(frozen=True)
class ChatEndpoint:
    base_url: str  # e.g. http://127.0.0.1:8080/v1
    model: str
    api_key: str | None = None
    timeout_s: float = 120.0

    def complete(self, system: str, user: str) -> str:
        """One chat completion (temperature 0, JSON output requested); the assistant message's content."""
        body = json.dumps({
            "model": self.model,
            "temperature": 0,
            "response_format": {"type": "json_object"},
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
        }).encode("utf-8")
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        url = self.base_url.rstrip("/") + "/chat/completions"
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                payload = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            raise LLMBackendError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise LLMBackendError(f"{url}: cannot reach the model endpoint: {exc}") from exc
        except ValueError as exc:
            raise LLMBackendError(f"{url}: answer is not JSON: {exc}") from exc
        try:
            return str(payload["choices"][0]["message"]["content"])
        except (KeyError, IndexError, TypeError) as exc:
            raise LLMBackendError(f"{url}: answer is not a chat completion: {str(payload)[:200]}") from exc


def _parse(content: str) -> list[dict[str, Any]]:
    text = content.strip()
    if text.startswith("```"):
        text = text.strip("`").removeprefix("json").strip()
    try:
        obj = json.loads(text)
    except ValueError as exc:
        raise LLMBackendError(f"model answer is not JSON: {content[:200]!r}") from exc
    claims = obj.get("claims") if isinstance(obj, dict) else obj
    if not isinstance(claims, list) or not all(isinstance(c, dict) for c in claims):
        raise LLMBackendError(f"model answer has no list of claims: {content[:200]!r}")
    return claims


class ChatExtractor:
    """Claims proposed by a chat model, anchored and resolved locally."""

    name = "chat"

    def __init__(self, endpoint: ChatEndpoint, sites: Iterable[Site], grades: SourceGrades | None = None) -> None:
        self._endpoint = endpoint
        self._gazetteer = Gazetteer(sites)
        self._actors = ActorFinder()
        self._grades = grades or SourceGrades.default()

    def extract(self, doc: Document) -> tuple[Claim, ...]:
        body = doc.text[doc.body_start:]
        proposed = _parse(self._endpoint.complete(PROMPT, body))
        claims: list[Claim] = []
        for item in proposed:
            claim = self._claim(doc, item)
            if claim is not None:
                claims.append(claim)
        claims.sort(key=lambda c: c.start)
        return tuple(claims)

    def _claim(self, doc: Document, item: dict[str, Any]) -> Claim | None:
        evidence = str(item.get("evidence") or "").strip()
        event, kind, certainty = item.get("event"), item.get("source_kind"), item.get("certainty")
        if not evidence or event not in EVENT_CLASSES or kind not in SOURCE_KINDS or certainty not in CERTAINTIES:
            return None
        start = doc.text.find(evidence, doc.body_start)
        if start < 0:
            return None  # not a quote of the report: refuse it rather than guess offsets
        end = start + len(evidence)
        source = str(item.get("source") or "reporter")
        actors = item.get("actors")
        return Claim(
            text=evidence,
            start=start,
            end=end,
            event=event,
            actors=tuple(str(a) for a in actors) if isinstance(actors, list) else self._actors.find(evidence),
            places=unique_places(self._gazetteer.find(evidence, start)),
            source=source,
            source_kind=kind,
            certainty=certainty,
            date=first_date(evidence, doc.date),
            reliability=self._grades.reliability(source, kind),
        )
