"""Working days follow China's official calendar, 调休 included; unknown years fall back to Mon–Fri."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

import pytest

from handlers.composition import config_from_dict
from bot.config import ConfigError
from scheduler.triggers import WorkdayTrigger, previous_occurrence
from scheduler.workdays import WorkdayCalendar
from tests.conftest import SHANGHAI


def test_official_days_of_national_day_2026():
    calendar = WorkdayCalendar()
    assert calendar.is_workday(date(2026, 9, 30))  # Wednesday before the holiday
    assert not calendar.is_workday(date(2026, 10, 1))  # National Day, a Thursday
    assert not calendar.is_workday(date(2026, 10, 7))
    assert calendar.is_workday(date(2026, 10, 10))  # 调休: a working Saturday
    assert not calendar.is_workday(date(2026, 10, 11))  # an ordinary Sunday
    assert not calendar.is_workday(date(2026, 11, 28))  # an ordinary Saturday
    assert calendar.is_workday(date(2026, 2, 14))  # the Saturday made up for Spring Festival


def test_config_overrides_win_over_the_official_calendar():
    calendar = WorkdayCalendar(extra_workdays=[date(2026, 11, 28)], extra_holidays=[date(2026, 11, 27)])
    assert calendar.is_workday(date(2026, 11, 28))
    assert not calendar.is_workday(date(2026, 11, 27))


def test_overrides_come_from_config_as_dates():
    config = config_from_dict({"schedule": {"extra_workdays": ["2026-11-28"], "extra_holidays": ["2026-11-27"]}})
    calendar = WorkdayCalendar.from_config(config)
    assert calendar.is_workday(date(2026, 11, 28)) and not calendar.is_workday(date(2026, 11, 27))
    with pytest.raises(ConfigError, match="schedule.extra_workdays"):
        config_from_dict({"schedule": {"extra_workdays": ["11月28日"]}})


def test_unknown_year_falls_back_to_monday_to_friday_and_warns_once(caplog):
    calendar = WorkdayCalendar()
    year = 2099
    assert not calendar.knows(year)
    with caplog.at_level(logging.WARNING, logger="scheduler.workdays"):
        days = [date(year, 1, 5) + timedelta(days=i) for i in range(14)]
        flags = [calendar.is_workday(d) for d in days]
    assert flags == [d.weekday() < 5 for d in days]
    warnings = [r for r in caplog.records if str(year) in r.getMessage()]
    assert len(warnings) == 1


def test_workday_trigger_skips_the_holiday_week_and_fires_on_the_makeup_saturday():
    trigger = WorkdayTrigger(time(7, 50), WorkdayCalendar(), SHANGHAI)
    fire = trigger.get_next_fire_time(None, datetime(2026, 9, 30, 8, 0, tzinfo=SHANGHAI))
    assert fire == datetime(2026, 10, 8, 7, 50, tzinfo=SHANGHAI)
    after = trigger.get_next_fire_time(datetime(2026, 10, 9, 7, 50, tzinfo=SHANGHAI), datetime(2026, 10, 9, 7, 50, tzinfo=SHANGHAI))
    assert after == datetime(2026, 10, 10, 7, 50, tzinfo=SHANGHAI)
    # Looking back from the holiday lands on the last working day before it.
    assert previous_occurrence(trigger, datetime(2026, 10, 5, 12, 0, tzinfo=SHANGHAI)) == datetime(
        2026, 9, 30, 7, 50, tzinfo=SHANGHAI
    )


@pytest.mark.parametrize(
    ("job", "message"),
    [
        ({"name": "a", "kind": "notice"}, "set exactly one of cron"),
        ({"name": "a", "kind": "notice", "cron": "0 9 * * *", "workdays_at": "07:50"}, "set exactly one of cron"),
        ({"name": "a", "kind": "notice", "workdays_at": "7点50"}, "workdays_at must be HH:MM"),
        ({"name": "a", "kind": "notice", "cron": "0 25 * * *"}, "is not valid"),
        ({"name": "早班", "kind": "notice", "cron": "0 9 * * *"}, "schedule.jobs.0.name"),
    ],
)
def test_bad_job_declarations_stop_the_start_naming_the_key(job, message):
    with pytest.raises(ConfigError) as error:
        config_from_dict({"schedule": {"jobs": [job]}})
    assert message in str(error.value) and "schedule.jobs.0" in str(error.value)


def test_duplicate_job_names_are_refused():
    job = {"name": "a", "kind": "notice", "cron": "0 9 * * *"}
    with pytest.raises(ConfigError, match="job names must be unique: a"):
        config_from_dict({"schedule": {"jobs": [job, job]}})


@pytest.mark.parametrize(
    ("weekday", "expected"),
    [("1", ["Mon"]), ("0", ["Sun"]), ("7", ["Sun"]), ("1-5", ["Mon", "Tue", "Wed", "Thu", "Fri"]), ("sat,sun", ["Sat", "Sun"])],
)
def test_cron_weekdays_count_like_crontab(weekday, expected):
    """In crontab 1 is Monday (APScheduler alone would read it as Tuesday)."""
    from scheduler.triggers import build_trigger

    trigger = build_trigger(f"0 9 * * {weekday}", "", WorkdayCalendar(), SHANGHAI)
    fire, days = datetime(2026, 11, 23, 0, 0, tzinfo=SHANGHAI), set()  # a Monday
    for _ in range(7):
        fire = trigger.get_next_fire_time(None, fire + timedelta(seconds=1))
        if fire.date() >= date(2026, 11, 30):
            break
        days.add(fire.strftime("%a"))
    assert sorted(days, key=["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].index) == expected
