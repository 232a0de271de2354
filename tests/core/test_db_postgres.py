"""The PostgreSQL backend's translation layer (no server needed)."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.core.db_postgres import bind, iso_instant, rowcount, translate


def test_question_marks_become_numbered_parameters():
    assert translate("SELECT a FROM t WHERE b = ? AND c IN (?, ?)")[0] == "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)"


def test_named_parameters_repeat_one_number_and_bind_in_order():
    sql, args = bind("SELECT :g, :x WHERE y = :g", {"x": 2, "g": 1, "unused": 3})
    assert (sql, args) == ("SELECT $1, $2 WHERE y = $1", [1, 2])


def test_quoted_text_casts_and_format_strings_are_left_alone():
    sql = "SELECT '?', 'a:b', '%H:%M', \"odd?col\", x::text FROM t WHERE d = ?"
    assert translate(sql)[0] == "SELECT '?', 'a:b', '%H:%M', \"odd?col\", x::text FROM t WHERE d = $1"


def test_mixed_placeholders_are_refused():
    with pytest.raises(ValueError):
        translate("SELECT ? WHERE a = :a")


def test_command_tags_give_row_counts():
    assert (rowcount("INSERT 0 1"), rowcount("UPDATE 3"), rowcount("DELETE 0"), rowcount("")) == (1, 3, 0, -1)


def test_instants_read_back_as_sqlite_stores_them():
    assert iso_instant(datetime(2026, 3, 1, 8, 0, tzinfo=timezone(timedelta(hours=8)))) == "2026-03-01T00:00:00Z"
    assert iso_instant(datetime(2026, 3, 1, 0, 0, 0, 5, tzinfo=UTC)) == "2026-03-01T00:00:00.000005Z"
