"""Command line: `python -m bot [run|define|check|health|backup|reports|migrate-db]`; see `python -m bot --help`."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path

from bot.config import ConfigError, data_dir_setting, database_setting, health_file_setting, load_env
from bot.core.glossary import Glossary, LookupResult
from bot.core.loader import GlossaryError, load_glossary

DEFINE_FLAGS = ("--json", "--en")
EXIT_BROKEN_PIPE = 141  # what a shell reports for a program stopped by SIGPIPE (128 + 13)

EPILOG = """\
examples:
  python -m bot                           run the Discord bot (same as: python -m bot run)
  python -m bot define 炸炉                the card as text, offline, no token needed
  python -m bot define zhalu --json       {"status": "found", "term": {...}, "suggestions": []}
  python -m bot define --stylize 250      anything after define that isn't --json / --en is the query
  python -m bot check                     validate the glossary YAML
  python -m bot health                    is the running bot connected? (for Docker HEALTHCHECK)
  python -m bot backup var/backup.db      consistent copy of the live database
  python -m bot migrate-db --from sqlite:///var/glossary.db --to postgresql://u:p@host/liandan
                                          copy a SQLite deployment into PostgreSQL and verify it

exit codes:
  0    ok; define found the term; health: heartbeat is fresh
  1    define found no exact term; check found problems; health: heartbeat stale or missing;
       backup refused or failed; run: the connection to Discord broke while logging in
  2    bad arguments or settings (one line on stderr); run: token refused or glossary broken
  141  output closed early (e.g. piped into head)

environment (also read from .env in the current folder):
  DISCORD_TOKEN   bot token; only run needs it
  DATABASE_URL    sqlite:///var/glossary.db or postgresql://… (run, backup; health's default folder)
  DATA_DIR        glossary YAML folder; default: the glossary shipped with the package
  DEV_GUILD_ID    sync commands to this one server instantly (run)
  LOG_LEVEL       DEBUG, INFO (default), WARNING, ERROR, CRITICAL (run)
  LOG_FORMAT      text (default) or json: one JSON object per line (run)
  TIMEZONE        default time zone for /daily set, e.g. Asia/Shanghai (run)
  HEALTH_FILE     heartbeat file; default: heartbeat next to the database (run, health)
  METRICS_PORT    serve Prometheus metrics on this port; default: off (run)
  METRICS_HOST    address the metrics endpoint binds; default 0.0.0.0 (run)
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="炼丹词典 — AIGC glossary bot",
                                     epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", metavar="{run,define,check,health,backup,reports,migrate-db}")
    sub.add_parser("run", help="run the Discord bot (default)")
    define = sub.add_parser("define", help="look a term up offline, no token needed", allow_abbrev=False,
                            epilog="Everything that is not --json or --en is the query, e.g. "
                                   "`define --ar` or `define --stylize 250`; after `--` even those are.")
    define.add_argument("query", nargs="*", help="term, alias, pinyin or English name")
    define.add_argument("--json", action="store_true", help="machine-readable output")
    define.add_argument("--en", action="store_true", help="English labels")
    check = sub.add_parser("check", help="validate the glossary YAML")
    check.add_argument("--data-dir", type=Path, default=None)
    sub.add_parser("health", help="exit 0 if the running bot's heartbeat is fresh, else 1")
    backup = sub.add_parser("backup", help="copy the live database safely (SQLite online backup)")
    backup.add_argument("path", type=Path, help="the file to write")
    backup.add_argument("--force", action="store_true", help="replace the file if it exists")
    sub.add_parser("reports", help="readers' 报错 reports on built-in terms: term, count, latest notes")
    migrate = sub.add_parser("migrate-db", help="copy a SQLite deployment into PostgreSQL and verify it")
    migrate.add_argument("--from", dest="source", required=True, help="sqlite:///path/to/glossary.db")
    migrate.add_argument("--to", dest="target", required=True, help="postgresql://user:pass@host:port/db")
    return parser


def _migrate_db(source: str, target: str) -> int:
    from bot.core.migrate_db import MigrationError, copy_database

    if source.startswith("sqlite:///") and not Path(source[len("sqlite:///"):]).is_file():
        print(f"no SQLite database at {source}", file=sys.stderr)
        return 2
    try:
        reports = asyncio.run(copy_database(source, target))
    except MigrationError as exc:
        print(f"migrate-db failed: {exc}", file=sys.stderr)
        return 1
    for r in reports:
        print(f"{r.table:<16} {r.rows:>8} rows  {r.copied:>8} copied  sha256 {r.checksum[:16]}")
    print(f"verified: {len(reports)} tables, {sum(r.rows for r in reports)} rows identical in the target"
          f" ({sum(r.copied for r in reports)} copied by this run)")
    return 0


def define_words(tokens: list[str]) -> tuple[list[str], set[str]]:
    """Split what follows `define` into the query words and define's own flags; `--` ends the flags."""
    words: list[str] = []
    flags: set[str] = set()
    for i, token in enumerate(tokens):
        if token == "--":
            words.extend(tokens[i + 1:])
            break
        if token in DEFINE_FLAGS:
            flags.add(token)
        else:
            words.append(token)
    return words, flags


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


def _run_define(tokens: list[str]) -> int:
    from bot.core.i18n import EN, ZH

    words, flags = define_words(tokens)
    if not words:
        print("define needs a term, e.g. python -m bot define 炸炉", file=sys.stderr)
        return 2
    try:
        return asyncio.run(_define(" ".join(words), data_dir_setting(), "--json" in flags,
                                   EN if "--en" in flags else ZH))
    except GlossaryError as exc:
        print(f"glossary error:\n{exc}", file=sys.stderr)
        return 2


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


def _health() -> int:
    from bot.health import check_health

    health = check_health(health_file_setting())
    print(health.reason, file=sys.stdout if health.ok else sys.stderr)
    return 0 if health.ok else 1


def _backup(target: Path, force: bool) -> int:
    from bot.backup import BackupError, backup_database

    source = database_setting()
    if isinstance(source, str):  # a PostgreSQL URL: its own tools back it up
        print("备份失败 / backup failed: DATABASE_URL is PostgreSQL; back it up with pg_dump", file=sys.stderr)
        return 1
    try:
        report = backup_database(source, target, force=force)
    except BackupError as exc:
        print(f"备份失败 / backup failed: {exc}", file=sys.stderr)
        return 1
    print(f"ok: {source} → {report.target} ({report.size // 1024} KiB)")
    return 0


def _reports() -> int:
    """What readers reported about built-in terms, for whoever maintains data/."""
    from bot.core.db import open_database
    from bot.core.reports import Reports

    async def read() -> list:
        db = await open_database(database_setting())
        try:
            return await Reports(db).shipped()
        finally:
            await db.close()

    reports = asyncio.run(read())
    for report in reports:
        print(f"{report.slug}\t{report.count}")
        for note in report.notes:
            print(f"  - {' '.join(note.split())}")
    if not reports:
        print("no reports")
    return 0


def _run() -> int:
    from bot.client import run_bot
    from bot.config import load_settings

    return run_bot(load_settings())


def _dispatch(argv: list[str]) -> int:
    """Each command reads only the settings it uses."""
    parser = _parser()
    args, unknown = parser.parse_known_args(argv)
    if args.command != "define" and unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    try:
        load_env()
        if args.command == "define":
            return _run_define(argv[argv.index("define") + 1:])
        if args.command == "check":
            return _check(args.data_dir or data_dir_setting())
        if args.command == "health":
            return _health()
        if args.command == "backup":
            return _backup(args.path, args.force)
        if args.command == "reports":
            return _reports()
        if args.command == "migrate-db":
            return _migrate_db(args.source, args.target)
        return _run()
    except ConfigError as exc:
        print(f"配置错误 / configuration error: {exc}", file=sys.stderr)
        return 2


def main(argv: list[str] | None = None) -> int:
    try:
        code = _dispatch(sys.argv[1:] if argv is None else list(argv))
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader (e.g. `| head -1`) has gone: stop quietly, and keep the interpreter's
        # final flush from complaining about the same closed pipe.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    return code


if __name__ == "__main__":
    sys.exit(main())
