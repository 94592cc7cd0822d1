"""Dates and times as people read them, in the language of the moment (Babel, not strftime).

The language is Flask-Babel's: the person's on a page, the report's in an export (jobs and
mag/web/report.py force it). Values are shown as given: callers pass them already in the
organisation's time zone (``Material.local``).
"""

from datetime import date, datetime

from babel.dates import format_date, format_skeleton, format_time
from flask import has_app_context
from flask_babel import get_locale

# How each language mag speaks writes a date: English and Dutch as in Europe and Belgium.
REGIONS = {"fr": "fr", "nl": "nl_BE", "en": "en_GB"}


def _locale() -> str:
    language = str(get_locale() or "fr") if has_app_context() else "fr"
    return REGIONS.get(language, language)


def day(value: date | datetime) -> str:
    """« 02/12/2026 », « 2/12/2026 », as the language writes a day in figures."""
    return format_date(value, "short", locale=_locale())


def month(value: date) -> str:
    """« sept. 2023 », « sep 2023 », « Sept 2023 »: a month of a year, as the language shortens it."""
    return format_skeleton("yMMM", value, locale=_locale())


def clock(value: datetime) -> str:
    """« 14:05 »: a time of day."""
    return format_time(value, "short", locale=_locale())


def day_and_clock(value: datetime) -> str:
    """« 02/12/2026 14:05 »."""
    return f"{day(value)} {clock(value)}"


def local_day(value: date | datetime) -> str:
    """A stored day or moment (UTC) as the day it was in the organisation's time zone."""
    if isinstance(value, datetime):
        from mag.report.formats import local_timezone

        value = value.astimezone(local_timezone()).date()
    return day(value)


def local_day_and_clock(value: datetime) -> str:
    """A stored moment (UTC) as the organisation's clock showed it."""
    from mag.report.formats import local_timezone

    return day_and_clock(value.astimezone(local_timezone()))
