"""Fusion: claims checked against sensor evidence, and per-site assessments in ICD 203 language.

- `link` and `status`: each claim linked to the records of its places and dates and given a status
  (corroborated | contradicted | unverified | not-checkable) with the evidence ids and a sentence why.
- `coverage`: where and when receivers saw a place (absence of movements counts only there).
- `stories`: re-reports of one story grouped so that they count once.
- `sources`: Admiralty reliability per source and each source's track record.
- `likelihood`: hypotheses, likelihood ratios (discounted, capped, grouped), ICD 203 words.
- `assess`: assessments per place (and actor) over windows, with sensitivity, indicators and a timeline.
- `store`, `products`, `stix`, `brief`, `demo`: tables, registry, export, brief section, demo step.
"""
