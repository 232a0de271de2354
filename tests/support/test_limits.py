"""The limits checker must be able to fail, or the tests that rely on it prove nothing."""

import pytest

from tests.support import limits
from tests.support.fake_discord import CHANNEL_MESSAGE


def test_oversized_embed_parts_are_reported():
    body = {"allowed_mentions": {"parse": []},
            "embeds": [{"title": "t" * 257, "description": "d" * 4097, "fields": [{"name": "n", "value": "v" * 1025}] * 26}]}
    problems = " ".join(limits.message_problems(body))
    for needle in ("title", "description", "field value", "26 fields", "total"):
        assert needle in problems


def test_a_message_that_could_ping_is_reported():
    assert limits.message_problems({"content": "hi @everyone"})
    assert limits.message_problems({"content": "hi", "allowed_mentions": {"parse": ["everyone"]}})
    assert not limits.message_problems({"content": "hi", "allowed_mentions": {"parse": []}})


def test_autocomplete_and_command_limits():
    assert limits.autocomplete_problems({"choices": [{"name": "x", "value": "x"}] * 26})
    assert limits.autocomplete_problems({"choices": [{"name": "x" * 101, "value": "x"}]})
    assert limits.command_problems({"name": "define", "type": 1, "description": "d" * 101})
    assert limits.command_problems({"name": "Define", "type": 1, "description": "ok"})


@pytest.mark.skipif(not limits.has_official_schema(), reason="Discord's OpenAPI spec is not beside the repo")
def test_official_schema_rejects_an_overlong_embed_title():
    body = {"type": CHANNEL_MESSAGE, "data": {"embeds": [{"title": "t" * 300}], "allowed_mentions": {"parse": []}}}
    assert limits.schema_problems("#/components/schemas/CreateMessageInteractionCallbackRequest", body)
    body["data"]["embeds"][0]["title"] = "ok"
    assert limits.schema_problems("#/components/schemas/CreateMessageInteractionCallbackRequest", body) == []


def test_context_menu_names_and_install_fields():
    menu = {"name": "解释术语", "type": 3, "name_localizations": {"en-US": "Explain terms"},
            "integration_types": [0, 1], "contexts": [0, 1, 2]}
    assert limits.check_limits("commands", [menu]) == []
    assert limits.command_problems({**menu, "description": "a context menu has none"})
    assert limits.command_problems({**menu, "name": "x" * 33})
    assert limits.command_problems({**menu, "integration_types": [0, 2]})
    assert limits.command_problems({**menu, "contexts": []})
    assert limits.command_problems({"name": "explain terms", "type": 1, "description": "slash names have no spaces"})
