"""Who did it: armed forces, organisations and named vessels mentioned in a sentence."""

from __future__ import annotations

import re
from collections.abc import Iterable

_NATIONALITY = (r"Russian|Syrian|Libyan|US|U\.S\.|American|Turkish|French|British|Ukrainian|Israeli|Iranian|"
                r"Chinese|Malian|Chadian|Sudanese|Egyptian|Iraqi|Lebanese|Jordanian|Saudi|Emirati|Qatari|German|"
                r"Italian|Greek|Western|Soviet|NATO|Belarusian|Algerian|Nigerien|Burkinabe")
_FORCE_NOUN = (r"military|forces|troops|navy|air force|aerospace forces|army|units|soldiers|warships|ships|"
               r"aircraft|cargo planes?|planes|jets|contractors|mercenaries|personnel|fleet|marines|special forces|"
               r"armed forces|air defen[cs]e systems|officials|government|authorities")
_PHRASE = re.compile(r"\b(?:" + _NATIONALITY + r")(?:\s+(?:military|naval|air|defen[cs]e|cargo|transport))?\s+(?:"
                     + _FORCE_NOUN + r")\b")
_ORGS = re.compile(
    r"\b(?:CENTCOM|US Central Command|AFRICOM|EUCOM|NATO|Kremlin|Pentagon|Hayat (?:al-)?Tahrir al[- ]Sham|HTS|"
    r"ISIS|Islamic State|ISIL|Wagner(?: Group)?|Africa Corps|Hezbollah|Hamas|Houthis?|Libyan National Army|LNA|"
    r"al-Qaeda|Syrian Democratic Forces|SDF|Russian Aerospace Forces|VKS|Black Sea Fleet|Oboronlogistika|"
    r"Ministry of Defen[cs]e|Defen[cs]e Ministry|State Department|Russia|Moscow|Washington|Damascus|Ankara|Tehran|"
    r"Paris|Beijing|Kyiv|Kiev|Tripoli|Benghazi)\b"
)


def _name_pattern(name: str) -> str:
    """A watchlist name as a pattern for running text: watchlist ship names are regular expressions anchored to
    the whole value ("SPARTA( II| IV)?$"); plain names are matched literally."""
    body = name.strip().removeprefix("^").removesuffix("$")
    try:
        re.compile(body)
    except re.error:
        return re.escape(name.strip())
    return body


class ActorFinder:
    """Finds actors; watchlist vessel names (patterns or plain names) are added to the built-in patterns."""

    def __init__(self, extra_names: Iterable[str] = ()) -> None:
        names = sorted({n.strip() for n in extra_names if len(n.strip()) >= 4}, key=len, reverse=True)
        self._extra = (re.compile(r"\b(?:" + "|".join(_name_pattern(n) for n in names) + r")\b", re.IGNORECASE)
                       if names else None)

    def find(self, text: str) -> tuple[str, ...]:
        hits: list[tuple[int, int, str]] = []
        taken = bytearray(len(text) + 1)  # 1 where an earlier hit lies
        patterns = [p for p in (self._extra, _PHRASE, _ORGS) if p is not None]
        for pattern in patterns:
            for m in pattern.finditer(text):
                if m.end() == m.start() or taken[m.start()] or taken[m.end() - 1]:
                    continue
                hits.append((m.start(), m.end(), m.group()))
                taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())
        hits.sort()
        return tuple(dict.fromkeys(name for _, _, name in hits))
