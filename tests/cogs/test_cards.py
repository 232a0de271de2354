"""Every shipped term's card, as an embed, fits Discord's limits and official schema."""

from bot.core.card import daily_header
from bot.core.i18n import EN, ZH
from bot.ui.cards import related_view
from bot.ui.embeds import NO_PINGS, card_to_embed
from tests.support import limits
from tests.support.fake_discord import CHANNEL_MESSAGE


async def test_every_shipped_card_is_a_valid_discord_message(glossary):
    stored_terms = await glossary.store.active_terms()
    assert len(stored_terms) >= 60
    for stored in stored_terms:
        for lang in (ZH, EN):
            card = await glossary.card(stored, 0, lang=lang, header=daily_header("2026-11-22", lang))
            view = related_view(await glossary.related_names(stored.term, 0))
            body = {"embeds": [card_to_embed(card).to_dict()], "components": view.to_components(),
                    "allowed_mentions": NO_PINGS.to_dict()}
            assert limits.message_problems(body) == [], stored.term.id
            callback = {"type": CHANNEL_MESSAGE, "data": body}
            assert limits.schema_problems("#/components/schemas/CreateMessageInteractionCallbackRequest",
                                          callback) == [], stored.term.id
