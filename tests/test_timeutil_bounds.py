"""Dates from outside and far dates from the user: zero-padded, plausible, no traceback."""

from __future__ import annotations

import logging
from datetime import datetime, timezone

import pytest

from monitor.errors import InputError
from monitor.text.timeutil import (
    EARLIEST,
    NO_END,
    iso,
    parse_date_option,
    parse_datetime,
    parse_published,
    parse_until,
    parse_when,
)


def test_iso_always_writes_four_digit_years() -> None:
    assert iso(datetime(99, 1, 2, tzinfo=timezone.utc)) == "0099-01-02T00:00:00Z"
    assert iso(datetime(2026, 3, 4, 5, 6, 7)) == "2026-03-04T05:06:07Z"


def test_an_ancient_or_far_future_publication_date_is_dropped_with_a_note(caplog) -> None:
    caplog.set_level(logging.INFO, logger="monitor")
    assert parse_published("0099-01-02T00:00:00Z") is None
    assert parse_published("Sat, 01 Jan 2150 00:00:00 GMT") is None
    assert "0099-01-02T00:00:00Z dropped" in caplog.text
    assert parse_published("2026-11-10T08:00:00+05:00") == "2026-11-10T03:00:00Z"
    assert parse_published("1900-01-01") == "1900-01-01T00:00:00Z"
    assert parse_published("not a date") is None


def test_a_date_without_utc_form_is_none_not_an_error() -> None:
    assert parse_datetime("0001-01-01T00:00:00+01:00") is None


def test_published_option_outside_the_range_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="year from 1900 to 2100"):
        parse_date_option("0099-01-01", "--published")


def test_until_far_in_the_future_means_no_end() -> None:
    assert parse_until("9999-12-31") == NO_END
    assert parse_until("9999-12-31T10:00Z") == NO_END
    assert parse_until("2026-10-12") == "2026-10-12T23:59:59Z"
    assert parse_until("2100-12-31") == "2100-12-31T23:59:59Z"


@pytest.mark.parametrize("value", ["9999999d", "99999999999w", "9" * 40 + "h", "9" * 5000 + "m"])
def test_a_huge_span_means_from_the_start(value: str) -> None:
    assert parse_when(value) == EARLIEST


def test_spans_still_count_back_from_now() -> None:
    now = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
    assert parse_when("7d", now=now) == "2026-11-18T12:00:00Z"


def test_cli_far_dates_are_not_tracebacks(invoke) -> None:
    assert invoke("init").exit_code == 0
    for args in (("list", "--until", "9999-12-31"), ("list", "--since", "9999999d")):
        result = invoke(*args)
        assert result.exit_code == 0, (args, result.stderr)
