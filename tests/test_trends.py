"""Period bucketing, sparklines, recurring, and `monitor themes` output formats."""

from __future__ import annotations

import csv
import io
import json

import pytest
from themes_helpers import add

from monitor.themes import stories, trends


@pytest.mark.parametrize(
    ("iso", "by", "key"),
    [
        ("2024-12-30T10:00:00Z", "week", "2025-W01"),  # ISO year runs ahead
        ("2024-12-29T23:59:59Z", "week", "2024-W52"),
        ("2021-01-03T00:00:00Z", "week", "2020-W53"),  # ISO year lags behind
        ("2021-01-04", "week", "2021-W01"),
        ("2025-12-31T23:59:59Z", "month", "2025-12"),
        ("2026-01-01T00:00:00Z", "month", "2026-01"),
        ("2025-02-28T12:00:00Z", "day", "2025-02-28"),
        ("2024-02-29", "day", "2024-02-29"),
    ],
)
def test_period_key(iso: str, by: str, key: str):
    assert trends.period_key(iso, by) == key


def test_period_range_crosses_year_boundaries():
    assert trends.period_range("2025-11", "2026-02", "month") == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]
    assert trends.period_range("2020-W52", "2021-W01", "week") == [
        "2020-W52",
        "2020-W53",
        "2021-W01",
    ]
    assert trends.period_range("2024-12-30", "2025-01-02", "day")[-1] == "2025-01-02"
    assert len(trends.period_range("2024-02-27", "2024-03-01", "day")) == 4


def test_sparkline_scales_to_the_top_and_shows_gaps():
    assert trends.sparkline([0, 1, 8, 4]) == " ▁█▄"
    assert trends.sparkline([0, 0]) == "  "
    assert trends.sparkline([]) == ""


PEACE = "Peace talks resumed in Doha as negotiators sought a ceasefire between {} and the Taliban."
CRICKET_FREE_ATTACK = "A suicide bombing by TTP militants from Afghanistan killed soldiers in {}."


@pytest.fixture
def spread(db):
    stories.ensure_builtin(db)
    dates = ["2025-10-05", "2025-11-12", "2025-12-30", "2026-01-02", "2026-01-20"]
    for i, day in enumerate(dates):
        add(
            db,
            f"Talks {i}",
            PEACE.format("Pakistan"),
            url=f"https://example.com/p{i}",
            source="Dawn" if i % 2 else "Reuters",
            published=f"{day}T08:00:00Z",
        )
    for i in range(3):  # one burst in one week
        add(
            db,
            f"Attack {i}",
            CRICKET_FREE_ATTACK.format("Bannu"),
            url=f"https://example.com/a{i}",
            source="Dawn",
            published=f"2025-11-1{i}T08:00:00Z",
        )
    return db


def test_theme_trends_counts_sources_periods_and_recurring(spread):
    found = {t.theme: t for t in trends.theme_trends(spread, "pakistan-taliban", "month")}
    peace = found["peace-talks"]
    assert peace.articles == 5 and peace.sources == 2
    assert peace.first_seen == "2025-10-05T08:00:00Z"
    assert peace.last_seen == "2026-01-20T08:00:00Z"
    assert peace.periods == {"2025-10": 1, "2025-11": 1, "2025-12": 1, "2026-01": 2}
    assert peace.recurring
    attack = found["cross-border-terrorism"]
    assert attack.articles == 3 and attack.periods == {"2025-11": 3}
    assert not attack.recurring
    assert found["humanitarian"].articles == 0


def test_theme_trends_window_and_week(spread):
    found = {
        t.theme: t
        for t in trends.theme_trends(
            spread, "pakistan-taliban", "week", since="2025-12-01T00:00:00Z"
        )
    }
    assert found["peace-talks"].periods == {"2026-W01": 2, "2026-W04": 1}


def test_only_current_version_counts(spread):
    add(
        spread,
        "Talks 0",
        "Nothing about the subject any more, Pakistan said of the Taliban.",
        url="https://example.com/p0",
    )
    found = {t.theme: t for t in trends.theme_trends(spread, "pakistan-taliban", "month")}
    assert found["peace-talks"].articles == 4


def test_themes_json_through_cli(spread, invoke):
    result = invoke("themes", "--story", "pakistan-taliban", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    peace = next(t for t in data if t["theme"] == "peace-talks")
    assert set(peace) == {
        "theme",
        "label",
        "articles",
        "sources",
        "first_seen",
        "last_seen",
        "periods",
        "recurring",
    }
    assert peace["periods"] == {"2025-10": 1, "2025-11": 1, "2025-12": 1, "2026-01": 2}
    assert peace["recurring"] is True
    assert data[0]["articles"] >= data[-1]["articles"]


def test_themes_csv_through_cli(spread, invoke):
    result = invoke("themes", "--by", "week", "--csv", "--until", "2025-12-31")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    peace = [r for r in rows if r["theme"] == "peace-talks"]
    assert [r["period"] for r in peace] == ["2025-W40", "2025-W46", "2026-W01"]
    assert all(r["articles"] == "1" for r in peace)


def test_themes_table_shows_recurring_and_sparkline(spread, invoke):
    result = invoke("themes")
    assert result.exit_code == 0
    line = next(x for x in result.stdout.splitlines() if x.startswith("peace-talks"))
    assert "yes" in line and "█" in line
    burst = next(x for x in result.stdout.splitlines() if x.startswith("cross-border"))
    assert "burst" in burst
    assert "2025-10 … 2026-01" in result.stderr


def test_themes_bad_options(invoke, spread):
    assert invoke("themes", "--by", "year").exit_code == 2
    result = invoke("themes", "--since", "yesterday-ish")
    assert result.exit_code != 0 and "--since" in result.stderr


def test_themes_without_any_story_is_clear(invoke):
    assert invoke("init").exit_code == 0
    result = invoke("themes", "--story", "nope")
    assert result.exit_code == 1 and "story 'nope'" in result.stderr
