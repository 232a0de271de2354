"""Start-up skips parsing byte-identical data/, and still refuses a broken change whole."""

import shutil
import sqlite3

import pytest

import bot.core.glossary as glossary_module
from bot.core.glossary import Glossary
from bot.core.loader import GlossaryError
from tests.conftest import DATA_DIR


@pytest.fixture
def data(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _refuse_parsing(files):
    raise AssertionError("data/ was parsed although its bytes had not changed")


def shipped_rows(db_path) -> list[tuple]:
    with sqlite3.connect(db_path) as raw:
        return raw.execute("SELECT slug, content_hash FROM terms WHERE guild_id = 0 ORDER BY slug").fetchall()


async def test_unchanged_bytes_are_not_parsed_and_lookups_still_work(tmp_path, data, monkeypatch):
    g, first = await Glossary.open(tmp_path / "g.db", data)
    await g.close()
    assert not first.skipped and first.added > 300
    monkeypatch.setattr(glossary_module, "parse_data_files", _refuse_parsing)
    g, again = await Glossary.open(tmp_path / "g.db", data)
    try:
        assert again.skipped and again.unchanged == first.added
        assert (await g.define("炸芦")).term.term.term == "炸炉"
    finally:
        await g.close()


async def test_a_broken_change_is_refused_whole_naming_file_line_and_field(tmp_path, data):
    g, _ = await Glossary.open(tmp_path / "g.db", data)
    await g.close()
    before = shipped_rows(tmp_path / "g.db")
    video = data / "video.yaml"
    lines = video.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.lstrip().startswith("category:"))
    lines[at] = lines[at].split("category:")[0] + "category: modle\n"
    video.write_text("".join(lines), encoding="utf-8")
    (data / "zz-new.yaml").write_text(
        (DATA_DIR / "video.yaml").read_text(encoding="utf-8").replace("id: ", "id: zz-", 1), encoding="utf-8")
    with pytest.raises(GlossaryError) as caught:
        await Glossary.open(tmp_path / "g.db", data)
    assert f"{video}:{at + 1}: category: 'modle' is not one of" in str(caught.value)
    assert shipped_rows(tmp_path / "g.db") == before  # nothing of the change was written


async def test_a_comment_only_change_is_parsed_once_then_skipped(tmp_path, data, monkeypatch):
    g, _ = await Glossary.open(tmp_path / "g.db", data)
    await g.close()
    video = data / "video.yaml"
    video.write_text("# a comment\n" + video.read_text(encoding="utf-8"), encoding="utf-8")
    g, report = await Glossary.open(tmp_path / "g.db", data)  # parsed: same terms, nothing written
    await g.close()
    assert report.skipped
    monkeypatch.setattr(glossary_module, "parse_data_files", _refuse_parsing)
    g, _ = await Glossary.open(tmp_path / "g.db", data)
    await g.close()



def _refuse_building(self):
    raise AssertionError("the index was rebuilt although nothing had changed")


async def test_a_warm_start_loads_the_saved_index_until_a_write_makes_it_stale(tmp_path, data, monkeypatch):
    from bot.core.moderation import GuildGlossary

    g, _ = await Glossary.open(tmp_path / "g.db", data)
    await g.close()
    assert (tmp_path / "g.db.index").exists()
    with monkeypatch.context() as patched:
        patched.setattr(Glossary, "_build_index", _refuse_building)
        g, _ = await Glossary.open(tmp_path / "g.db", data)
    assert (await g.define("炸芦")).term.term.term == "炸炉"
    assert [c.value for c in g.complete("", 5)] == [c.value for c in g.complete("", 0)]
    await GuildGlossary(g).add(5, {"term": "小黑", "en": "Our mascot", "category": "slang",
                                   "summary": "本服务器的吉祥物。", "definition": "一只猫。"}, 7)
    await GuildGlossary(g).remove(5, "zhalu", 7)  # hides the shipped term in server 5
    await g.close()
    g, _ = await Glossary.open(tmp_path / "g.db", data)  # stale snapshot: rebuilt from SQLite
    try:
        assert (await g.define("小黑", 5)).status == "found"
        assert (await g.define("炸炉", 5)).status != "found" and (await g.define("炸炉", 6)).status == "found"
    finally:
        await g.close()


async def test_a_damaged_saved_index_is_ignored(tmp_path, data):
    g, _ = await Glossary.open(tmp_path / "g.db", data)
    await g.close()
    (tmp_path / "g.db.index").write_bytes(b"\x80\x05garbage")
    g, _ = await Glossary.open(tmp_path / "g.db", data)
    try:
        assert (await g.define("炸芦")).term.term.term == "炸炉"
    finally:
        await g.close()
