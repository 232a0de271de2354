"""Small text helpers shared by the core."""

from __future__ import annotations


def clip(text: str, limit: int) -> str:
    """text cut to at most limit characters, marked with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
