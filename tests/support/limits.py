"""Discord's limits, checked on every body the bot sends to the simulated Discord.

Where ../shared/reference/discord-api-spec/openapi.json exists, bodies are also
validated against Discord's official OpenAPI schema.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import discord

from tests.support.discord_model import (
    ACTION_ROW,
    AUTOCOMPLETE_RESULT,
    BUTTON,
    CHANNEL_MESSAGE,
    MESSAGE_UPDATE,
    MODAL,
)

SPEC_PATH = Path(__file__).resolve().parents[3] / "shared" / "reference" / "discord-api-spec" / "openapi.json"
_COMMAND_NAME = re.compile(r"^[-_\w]{1,32}$")
_MENU_NAME = re.compile(r"^[^\n]{1,32}$")  # user and message commands: any case, spaces allowed
CHAT_INPUT, MESSAGE_COMMAND = 1, 3
INTEGRATION_TYPES = {0, 1}  # GUILD_INSTALL, USER_INSTALL
CONTEXTS = {0, 1, 2}  # GUILD, BOT_DM, PRIVATE_CHANNEL
MESSAGE_CALLBACKS = {CHANNEL_MESSAGE, MESSAGE_UPDATE}
_SELECT_MENUS = {t.value for t in (discord.ComponentType.select, discord.ComponentType.user_select,
                                   discord.ComponentType.role_select, discord.ComponentType.mentionable_select,
                                   discord.ComponentType.channel_select)}


def _embed_problems(embeds: list[dict]) -> list[str]:
    out = []
    if len(embeds) > 10:
        out.append(f"{len(embeds)} embeds > 10")
    total = 0
    for i, e in enumerate(embeds):
        def check(value: str | None, limit: int, what: str, i: int = i) -> int:
            n = len(value or "")
            if n > limit:
                out.append(f"embed {i} {what} is {n} > {limit}")
            return n

        total += check(e.get("title"), 256, "title")
        total += check(e.get("description"), 4096, "description")
        total += check((e.get("footer") or {}).get("text"), 2048, "footer")
        total += check((e.get("author") or {}).get("name"), 256, "author")
        fields = e.get("fields") or []
        if len(fields) > 25:
            out.append(f"embed {i} has {len(fields)} fields > 25")
        for f in fields:
            total += check(f.get("name"), 256, "field name")
            total += check(f.get("value"), 1024, "field value")
            if not f.get("name") or not f.get("value"):
                out.append(f"embed {i} has an empty field name or value")
    if total > 6000:
        out.append(f"embeds total {total} > 6000")
    return out


def _select_problems(menu: dict) -> list[str]:
    out = []
    options = menu.get("options") or []
    if len(options) > 25:
        out.append(f"select menu with {len(options)} options > 25")
    if len(menu.get("placeholder") or "") > 150:
        out.append("select placeholder > 150")
    for o in options:
        for key, limit in (("label", 100), ("value", 100), ("description", 100)):
            if len(o.get(key) or "") > limit:
                out.append(f"select option {key} {o.get(key)!r} > {limit}")
    return out


def _component_problems(rows: list[dict]) -> list[str]:
    out = []
    if len(rows) > 5:
        out.append(f"{len(rows)} action rows > 5")
    for row in rows:
        children = row.get("components") or []
        if row.get("type") == ACTION_ROW and len(children) > 5:
            out.append(f"action row with {len(children)} components > 5")
        for c in children:
            if len(c.get("label") or "") > 80:
                out.append(f"button label {c.get('label')!r} > 80")
            if len(c.get("custom_id") or "") > 100:
                out.append(f"custom_id {c.get('custom_id')!r} > 100")
            if c.get("type") == BUTTON and not (c.get("custom_id") or c.get("url") or c.get("sku_id")):
                out.append(f"button {c.get('label')!r} has neither custom_id nor url")
            if c.get("type") in _SELECT_MENUS:
                out += _select_problems(c)
    return out


def _mentions_problems(body: dict) -> list[str]:
    mentions = body.get("allowed_mentions")
    if mentions is None:
        return ["allowed_mentions missing: the message could ping someone"]
    if mentions.get("parse") or mentions.get("users") or mentions.get("roles") or mentions.get("replied_user"):
        return [f"allowed_mentions {mentions} lets the message ping someone"]
    return []


def message_problems(body: dict, *, creating: bool = True) -> list[str]:
    out = []
    if len(body.get("content") or "") > 2000:
        out.append("content > 2000")
    out += _embed_problems(body.get("embeds") or [])
    out += _component_problems(body.get("components") or [])
    if creating or body.get("content") or body.get("embeds"):
        out += _mentions_problems(body)
    return out


def modal_problems(data: dict) -> list[str]:
    out = []
    if len(data.get("title") or "") > 45:
        out.append("modal title > 45")
    rows = data.get("components") or []
    if len(rows) > 5:
        out.append(f"modal has {len(rows)} components > 5")
    for row in rows:
        inner = row.get("components") or ([row["component"]] if "component" in row else [])
        label = row.get("label")
        for c in inner:
            label = c.get("label") or label
            if (c.get("max_length") or 0) > 4000:
                out.append("text input max_length > 4000")
        if label and len(label) > 45:
            out.append(f"text input label {label!r} > 45")
        for c in inner:
            if len(c.get("custom_id") or "") > 100:
                out.append(f"custom_id {c.get('custom_id')!r} > 100")
            if len(c.get("placeholder") or "") > 100:
                out.append("text input placeholder > 100")
            if len(c.get("value") or "") > 4000:
                out.append("text input value > 4000")
    if len(data.get("custom_id") or "") > 100:
        out.append("modal custom_id > 100")
    return out


def autocomplete_problems(data: dict) -> list[str]:
    choices = data.get("choices") or []
    out = [f"{len(choices)} choices > 25"] if len(choices) > 25 else []
    for c in choices:
        if not 1 <= len(c.get("name") or "") <= 100:
            out.append(f"choice name {c.get('name')!r} not 1-100 characters")
        if len(str(c.get("value"))) > 100:
            out.append(f"choice value {c.get('value')!r} > 100")
    return out


def command_problems(command: dict, path: str = "") -> list[str]:
    """One command (or, recursively, one option) as sent by tree.sync()."""
    out = []
    name = command.get("name", "")
    where = f"{path}{name}"
    kind = command.get("type", CHAT_INPUT)
    for n in [name, *(command.get("name_localizations") or {}).values()]:
        if kind == CHAT_INPUT and (not _COMMAND_NAME.match(n) or n != n.lower()):
            out.append(f"command name {n!r} ({where}) invalid: 1-32 lowercase letters, digits, - or _")
        elif kind != CHAT_INPUT and (not _MENU_NAME.match(n) or n != n.strip()):
            out.append(f"context menu name {n!r} ({where}) invalid: 1-32 characters on one line")
    descriptions = [command.get("description", ""), *list((command.get("description_localizations") or {}).values())]
    if kind != CHAT_INPUT and (any(descriptions) or command.get("options")):
        out.append(f"{where}: a context menu has no description and no options")
    if not path:
        out += _install_problems(command, where)
    if kind == CHAT_INPUT:
        for d in descriptions:
            if not 1 <= len(d) <= 100:
                out.append(f"{where}: description {d!r} not 1-100 characters")
    options = command.get("options") or []
    if len(options) > 25:
        out.append(f"{where}: {len(options)} options > 25")
    for option in options:
        out += command_problems({**option, "type": 1}, f"{where} ")
        choices = option.get("choices") or []
        if len(choices) > 25:
            out.append(f"{where} {option.get('name')}: {len(choices)} choices > 25")
        for choice in choices:
            for n in [choice.get("name") or "", *(choice.get("name_localizations") or {}).values()]:
                if not 1 <= len(n) <= 100:
                    out.append(f"{where} {option.get('name')}: choice name {n!r} not 1-100 characters")
            if isinstance(choice.get("value"), str) and len(choice["value"]) > 100:
                out.append(f"{where} {option.get('name')}: choice value {choice['value']!r} > 100")
    if not path:
        out += _command_size_problems(command)
    return out


def _install_problems(command: dict, where: str) -> list[str]:
    """integration_types and contexts, when sent: non-empty lists of known values, no repeats."""
    out = []
    for key, known in (("integration_types", INTEGRATION_TYPES), ("contexts", CONTEXTS)):
        values = command.get(key)
        if values is None:
            continue
        if not values or len(set(values)) != len(values) or not set(values) <= known:
            out.append(f"{where}: {key} {values!r} must be distinct values from {sorted(known)}")
    return out


def _localized(node: dict, key: str, locale: str | None) -> str:
    localized = (node.get(f"{key}_localizations") or {}).get(locale) if locale else None
    return localized or node.get(key) or ""


def _command_size(node: dict, locale: str | None) -> int:
    """Characters Discord counts towards the 4000 cap: names, descriptions and choices, in one locale."""
    total = len(_localized(node, "name", locale)) + len(_localized(node, "description", locale))
    for choice in node.get("choices") or []:
        total += len(_localized(choice, "name", locale)) + len(str(choice.get("value", "")))
    return total + sum(_command_size(o, locale) for o in node.get("options") or [])


def _command_size_problems(command: dict) -> list[str]:
    locales: set[str | None] = {None}

    def collect(node: dict) -> None:
        locales.update((node.get("name_localizations") or {}).keys())
        locales.update((node.get("description_localizations") or {}).keys())
        for o in node.get("options") or []:
            collect(o)

    collect(command)
    worst = max(_command_size(command, loc) for loc in locales)
    return [f"command {command.get('name')!r} is {worst} characters > 4000 in total"] if worst > 4000 else []


def callback_problems(body: dict) -> list[str]:
    kind = body.get("type")
    data = body.get("data") or {}
    if kind in MESSAGE_CALLBACKS:
        return message_problems(data, creating=kind == CHANNEL_MESSAGE)
    if kind == AUTOCOMPLETE_RESULT:
        return autocomplete_problems(data)
    if kind == MODAL:
        return modal_problems(data)
    return []


# --- the official schema -------------------------------------------------------------

@lru_cache(maxsize=1)
def _spec() -> dict | None:
    if not SPEC_PATH.exists():
        return None
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=8)
def _validator(schema_ref: str):
    from jsonschema import Draft202012Validator

    spec = _spec()
    root = {"$ref": schema_ref, "components": spec["components"]}
    return Draft202012Validator(root)


def schema_problems(schema_ref: str, body: Any) -> list[str]:
    """Validate against '#/components/schemas/<Name>'; nothing to say when the spec is absent."""
    if _spec() is None:
        return []
    errors = sorted(_validator(schema_ref).iter_errors(body), key=lambda e: list(e.path))
    return [f"schema {schema_ref.rsplit('/', 1)[-1]}: {'/'.join(map(str, e.path))}: {e.message[:200]}" for e in errors[:5]]


def has_official_schema() -> bool:
    return _spec() is not None


# Which official schema each kind of body is validated against.
CALLBACK_SCHEMAS = {CHANNEL_MESSAGE: "CreateMessageInteractionCallbackRequest",
                    MESSAGE_UPDATE: "UpdateMessageInteractionCallbackRequest",
                    AUTOCOMPLETE_RESULT: "ApplicationCommandAutocompleteCallbackRequest",
                    MODAL: "ModalInteractionCallbackRequest"}
KIND_SCHEMAS = {
    "embed": "RichEmbed",
    "message": "MessageCreateRequest",
    "message_edit": "MessageEditRequestPartial",
    "followup": "IncomingWebhookRequestPartial",
    "webhook_edit": "IncomingWebhookUpdateRequestPartial",
    "command": "ApplicationCommandUpdateRequest",
}


def _schema_for(kind: str, body: Any) -> str | None:
    if kind == "callback":
        name = CALLBACK_SCHEMAS.get(body.get("type")) if isinstance(body, dict) else None
    else:
        name = KIND_SCHEMAS.get(kind)
    return f"#/components/schemas/{name}" if name else None


def check_limits(kind: str, body: Any, *, schema: bool = True) -> list[str]:
    """Everything Discord would reject (or that could ping someone) in one body; [] when fine.

    kind: "embed" (one embed dict), "embeds" (a list), "message" (channel post or followup),
    "followup", "message_edit" / "webhook_edit" (edits), "callback" (interaction response),
    "autocomplete" / "modal" (the callback's data), "command" (one synced command) or
    "commands" (the list tree.sync() sends). With schema=True the body is also validated
    against Discord's official OpenAPI schema when the spec is beside the repo.
    """
    match kind:
        case "embed":
            out = _embed_problems([body])
        case "embeds":
            out = _embed_problems(body)
            if schema:
                for embed in body:
                    out += schema_problems("#/components/schemas/RichEmbed", embed)
            return out
        case "message" | "followup":
            out = message_problems(body)
        case "message_edit" | "webhook_edit":
            out = message_problems(body, creating=False)
        case "callback":
            out = callback_problems(body)
        case "autocomplete":
            out = autocomplete_problems(body)
        case "modal":
            out = modal_problems(body)
        case "command":
            out = command_problems(body)
        case "commands":
            out = [p for command in body for p in command_problems(command)]
            if len(body) > 100:
                out.append(f"{len(body)} top-level slash commands > 100")
            if schema:
                for command in body:
                    out += schema_problems("#/components/schemas/ApplicationCommandUpdateRequest", command)
            return out
        case _:
            raise ValueError(f"unknown kind {kind!r}")
    ref = _schema_for(kind, body)
    if schema and ref:
        out += schema_problems(ref, body)
    return out
