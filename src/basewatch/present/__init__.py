"""Presentation: HTML briefs with charts and offline maps (no network, no CDN)."""
