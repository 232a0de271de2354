"""Property-based tests (hypothesis): whatever arrives, the bot answers clearly and within Discord's limits.

Example counts are bounded so the whole suite stays fast.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.card import DESCRIPTION_LIMIT, FIELD_VALUE_LIMIT, TITLE_LIMIT, TOTAL_LIMIT, build_card
from bot.core.loader import GlossaryError, parse_documents
from bot.core.moderation import TermError, term_from_input
from bot.core.normalize import normalize

FEW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# Text with the characters that have broken things before: surrogates, zero-width, bidi, control, full-width.
NASTY = st.text(
    alphabet=st.one_of(st.characters(), st.sampled_from("\ud800\udfff\u200b\u200d\u00ad\u202e\x00\x1b炸炉ＳＤ-- ")),
    max_size=300,
)


@given(NASTY)
@settings(max_examples=300, deadline=None)
def test_normalize_never_raises(text):
    assert isinstance(normalize(text), str)


YAML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=30,
)


@given(YAML_VALUES)
@FEW
def test_the_yaml_loader_loads_or_names_the_problem(value):
    text = yaml.safe_dump(value, allow_unicode=True)
    try:
        parse_documents([("up.yaml", text)])
    except GlossaryError as exc:
        assert exc.problems and all(p.file == "up.yaml" and p.line >= 0 and len(str(p)) < 400 for p in exc.problems)


@given(NASTY)
@FEW
def test_raw_text_uploads_load_or_name_the_problem(text):
    try:
        parse_documents([("up.yaml", text)])
    except GlossaryError as exc:
        assert exc.problems and all(p.file == "up.yaml" for p in exc.problems)


FORM_FIELDS = st.fixed_dictionaries({
    "term": NASTY, "en": NASTY, "aliases": st.lists(NASTY, max_size=25), "summary": NASTY, "definition": NASTY,
    "example": NASTY, "category": st.sampled_from(["slang", "model", "nope"]),
})


@given(FORM_FIELDS)
@FEW
def test_the_term_form_refuses_clearly_or_stores_a_card_that_fits(fields):
    try:
        term = term_from_input(1, fields)
    except TermError as exc:
        assert exc.key == "mod.invalid" and exc.values["problems"]
        return
    card = build_card(term, related_names=["x" * 80] * 12)
    assert len(card.title) <= TITLE_LIMIT and len(card.description) <= DESCRIPTION_LIMIT
    assert all(len(f.value) <= FIELD_VALUE_LIMIT for f in card.fields) and card.total_length() <= TOTAL_LIMIT


class ThreadedWorld:
    """The real bot and the simulated Discord on an event loop of their own, so that synchronous
    hypothesis tests can send it one interaction per example."""

    def __init__(self, tmp: Path):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.run(self._start(tmp))

    def run(self, coro, timeout: float = 30):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def _start(self, tmp: Path) -> None:
        from bot.client import LiandanBot
        from bot.config import Settings
        from bot.core.glossary import Glossary
        from tests.conftest import DATA_DIR
        from tests.support.fake_discord import FakeDiscord

        settings = Settings(token=None, database_path=tmp / "g.db", data_dir=DATA_DIR, dev_guild_id=None,
                            log_level="INFO", timezone="Asia/Shanghai")
        self.glossary, _ = await Glossary.open(settings.database_path, DATA_DIR)
        self.fake = FakeDiscord()
        await self.fake.start()
        self.guild = self.fake.add_guild()
        self.member = self.guild.add_member("小白")
        await self.fake.run_bot(LiandanBot(settings, self.glossary))

    async def _stop(self) -> None:
        await self.fake.stop()
        await self.glossary.close()
        for task in asyncio.all_tasks() - {asyncio.current_task()}:  # views' timeout timers
            task.cancel()

    def close(self) -> None:
        self.run(self._stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@pytest.fixture(scope="module")
def threaded_world(tmp_path_factory):
    world = ThreadedWorld(tmp_path_factory.mktemp("props"))
    yield world
    world.close()
    assert world.fake.violations == [], "the bot sent bodies Discord would reject"


@given(NASTY.filter(lambda s: s.strip()))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_define_query_gets_an_answer_within_discords_limits(threaded_world, query):
    w = threaded_world
    reply = w.run(w.fake.slash(w.guild, w.member, "define", term=query))
    answered = reply.embeds or reply.buttons or (reply.ephemeral and reply.content.startswith("没有找到"))
    assert answered and "出错了" not in (reply.content or "")
    choices = w.run(w.fake.autocomplete(w.guild, w.member, "define", "term", query))
    assert len(choices) <= 25 and all(len(c["name"]) <= 100 for c in choices)
    assert w.fake.violations == []
