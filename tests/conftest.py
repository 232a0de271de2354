"""Shared fixtures: the shipped glossary on a temporary database."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.glossary import Glossary

REPO = Path(__file__).resolve().parent.parent
DATA_DIR = REPO / "data"


@pytest.fixture
async def glossary(tmp_path: Path):
    """The real shipped glossary, synced into a fresh SQLite file under tmp_path."""
    g, _ = await Glossary.open(tmp_path / "glossary.db", DATA_DIR)
    try:
        yield g
    finally:
        await g.close()
