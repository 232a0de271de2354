"""Lookups per term and per day, per server: counted in batches, ranked per server, read back as stats."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from bot.core.glossary import Glossary
from bot.core.services import Services
from bot.core.stats import CHART_DAYS, sparkline
from tests.conftest import DATA_DIR
from tests.core.test_moderation import G1, G2

TODAY = date(2026, 3, 20)
NOON = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
SHANGHAI = timezone(timedelta(hours=8))


@pytest.fixture
def database_target(backend_target):
    """Every test here runs on SQLite and on PostgreSQL ([sqlite] / [postgres])."""
    return backend_target


def box(services: Services, guild_id: int, n: int = 3) -> list[str]:
    """The first choices of an empty autocomplete box, as slugs."""
    return [c.value.removeprefix("id:") for c in services.glossary.complete("", guild_id)[:n]]


async def test_lookups_are_counted_per_server_and_never_for_a_users_own_install(services):
    for slug, guild_id in [("lora", G1), ("lora", G1), ("zhalu", G1), ("lora", G2), ("lora", 0)]:
        services.stats.record(guild_id, slug, NOON)
    report = await services.stats.report(G1, NOON)
    assert report.terms == [("LoRA", 2), ("炸炉", 1)]
    assert report.days[-1] == (TODAY, 3) and report.total == 3
    assert (await services.stats.report(G2, NOON)).terms == [("LoRA", 1)]
    assert (await services.stats.report(0, NOON)).empty
    assert await services.glossary.db.fetchone("SELECT 1 FROM lookup_counts WHERE guild_id = 0") is None


async def test_the_report_covers_thirty_days_with_quiet_days_as_zero(services):
    for back, times in [(0, 2), (3, 5), (CHART_DAYS - 1, 1), (CHART_DAYS, 7)]:  # the last is outside the chart
        for _ in range(times):
            services.stats.record(G1, "lora", NOON - timedelta(days=back))
    services.gaps.record(G1, "完全没有的词")
    report = await services.stats.report(G1, NOON)
    assert len(report.days) == CHART_DAYS
    assert report.days[0] == (TODAY - timedelta(days=CHART_DAYS - 1), 1)
    assert report.days[-4] == (TODAY - timedelta(days=3), 5)
    assert report.total == 8 and report.misses == [("完全没有的词", 1)]
    assert report.terms == [("LoRA", 15)]  # the per-term count has no window


async def test_a_day_is_a_utc_date(services):
    services.stats.record(G1, "lora", datetime(2026, 3, 21, 7, 30, tzinfo=SHANGHAI))  # 23:30 UTC on the 20th
    services.stats.record(G1, "lora", datetime(2026, 3, 21, 8, 30, tzinfo=SHANGHAI))  # 00:30 UTC on the 21st
    report = await services.stats.report(G1, datetime(2026, 3, 21, 9, 0, tzinfo=SHANGHAI))
    assert report.days[-2:] == [(TODAY, 1), (TODAY + timedelta(days=1), 1)]


async def test_a_servers_lookups_lead_its_empty_box_and_no_one_elses(services):
    assert box(services, G1) == box(services, G2) == ["zhalu", "liandan", "lora"]
    for slug in ["adetailer"] * 3 + ["a2a"] * 3 + ["lora"]:
        services.stats.record(G1, slug, NOON)
    await services.counts.flush()
    # by lookups, then priority: A2A and ADetailer tie at 3 (both priority 0, A2A is shorter)
    assert box(services, G1, 5) == ["a2a", "adetailer", "lora", "zhalu", "liandan"]
    assert box(services, G2) == box(services, 0) == ["zhalu", "liandan", "lora"]


async def test_popular_terms_come_back_after_a_restart(database_target, services):
    for slug in ["adetailer", "adetailer", "a2a"]:
        services.stats.record(G1, slug, NOON)
    await services.counts.stop()  # a clean stop writes what is pending
    reopened, _ = await Glossary.open(database_target, DATA_DIR)
    try:
        again = Services.create(reopened)
        await again.start()
        assert box(again, G1, 2) == ["adetailer", "a2a"]
        assert box(again, G2, 1) == ["zhalu"]
        await again.close()
    finally:
        await reopened.close()


async def test_browse_by_popularity_in_this_server(services, glossary):
    for slug in ["adetailer", "adetailer", "a2a"]:
        services.stats.record(G1, slug, NOON)
    category = (await glossary.by_slug("adetailer", G1)).term.category.value
    popular = [e.slug for e in await glossary.browse(G1, category, "popular", await services.stats.counts(G1))]
    assert popular[0] == "adetailer"
    by_name = [e.slug for e in await glossary.browse(G1, category)]
    elsewhere = [e.slug for e in await glossary.browse(G2, category, "popular", await services.stats.counts(G2))]
    assert sorted(popular) == sorted(by_name) and elsewhere[0] != "adetailer"


async def test_days_that_leave_the_chart_are_deleted_once_a_later_day_is_written(services, glossary):
    for back in (CHART_DAYS, CHART_DAYS - 1):
        services.stats.record(G1, "lora", NOON - timedelta(days=back))
        services.stats.record(G2, "lora", NOON - timedelta(days=back))
    await services.counts.flush()
    assert len(await glossary.db.fetchall("SELECT day FROM lookup_days")) == 4  # all still in some chart
    services.stats.record(G1, "lora", NOON)
    await services.counts.flush()
    rows = await glossary.db.fetchall("SELECT guild_id, day FROM lookup_days ORDER BY guild_id, day")
    first = (TODAY - timedelta(days=CHART_DAYS - 1)).isoformat()
    assert [(r[0], str(r[1])) for r in rows] == [(G1, first), (G1, TODAY.isoformat()), (G2, first)]


def test_sparkline_scales_to_the_busiest_day():
    assert sparkline([0, 1, 4, 8]) == "▁▂▄█"
    assert sparkline([0, 0, 0]) == "▁▁▁"
    assert sparkline([1, 1000])[0] == "▂"  # a day with lookups never looks empty


async def test_a_rebuilt_index_keeps_each_servers_popular_terms(services, glossary):
    services.stats.record(G1, "adetailer", NOON)
    await services.counts.flush()
    await glossary.rebuild_index()  # as after a lost PostgreSQL connection (index_sync.py)
    assert box(services, G1, 2) == ["adetailer", "zhalu"]
