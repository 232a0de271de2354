"""Command line: `python -m bot [run]`, `python -m bot define QUERY [--json]`, `python -m bot check`."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from pathlib import Path

from bot.config import ConfigError, load_settings
from bot.core.glossary import Glossary, LookupResult
from bot.core.loader import GlossaryError, load_glossary


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="炼丹词典 — AIGC glossary bot")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the Discord bot (default)")
    define = sub.add_parser("define", help="look a term up offline, no token needed")
    define.add_argument("query", nargs="+")
    define.add_argument("--json", action="store_true", help="machine-readable output")
    define.add_argument("--en", action="store_true", help="English labels")
    check = sub.add_parser("check", help="validate the glossary YAML")
    check.add_argument("--data-dir", type=Path, default=None)
    return parser


def _result_json(result: LookupResult) -> dict:
    return {
        "status": result.status,
        "term": result.term.term.to_dict() if result.term else None,
        "suggestions": [{"id": s.slug, "term": s.term} for s in result.suggestions],
    }


async def _define(query: str, data_dir: Path, as_json: bool, lang: str) -> int:
    from bot.core.card import render_text
    from bot.core.i18n import t

    # The console never touches the bot's database: a throwaway copy keeps it read-only.
    with tempfile.TemporaryDirectory(prefix="liandan-") as tmp:
        glossary, _ = await Glossary.open(Path(tmp) / "console.db", data_dir)
        try:
            result = await glossary.define(query)
            if as_json:
                print(json.dumps(_result_json(result), ensure_ascii=False, indent=2))
            elif result.term is not None:
                print(render_text(await glossary.card(result.term, 0, lang=lang)))
            elif result.suggestions:
                print(t("define.suggest", lang, query=query))
                for s in result.suggestions:
                    print(f"  · {s.label}")
            else:
                print(t("define.not_found", lang, query=query))
        finally:
            await glossary.close()
    return 0 if result.status == "found" else 1


def _check(data_dir: Path) -> int:
    try:
        terms = load_glossary(data_dir)
    except GlossaryError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s); nothing would be loaded.", file=sys.stderr)
        return 1
    print(f"ok: {len(terms)} terms in {data_dir}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"配置错误 / configuration error: {exc}", file=sys.stderr)
        return 2
    if args.command == "check":
        return _check(args.data_dir or settings.data_dir)
    if args.command == "define":
        from bot.core.i18n import EN, ZH

        try:
            return asyncio.run(_define(" ".join(args.query), settings.data_dir, args.json, EN if args.en else ZH))
        except GlossaryError as exc:
            print(f"glossary error:\n{exc}", file=sys.stderr)
            return 2
    from bot.client import run_bot

    return run_bot(settings)


if __name__ == "__main__":
    sys.exit(main())
