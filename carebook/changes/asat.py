""" "As it stood on DATE": the version live at 23:59:59 Europe/London that day."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import date_format

LONDON = ZoneInfo("Europe/London")


class AsAtError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=LONDON)


def parse_as_at(value: str) -> dt.date:
    """A calendar date in the form YYYY-MM-DD, not in the future (400 otherwise)."""
    try:
        day = dt.date.fromisoformat(value.strip())
        if len(value.strip()) != 10:
            raise ValueError
    except ValueError:
        raise AsAtError(
            400,
            f"“{value[:40]}” is not a date Carebook can read. Give the date as year-month-day, "
            "for example ?as_at=2026-03-31.",
        ) from None
    today = timezone.now().astimezone(LONDON).date()
    if day > today:
        raise AsAtError(
            400,
            f"{date_format(day, 'j F Y')} is in the future. Choose today or an earlier date to "
            "see a procedure as it stood then.",
        )
    return day


def version_as_at(procedure, day: dt.date):
    """The version readers saw at the end of `day`, or AsAtError(404) saying why there is none."""
    moment = end_of_day(day)
    version = (
        procedure.versions.filter(published_at__lte=moment).order_by("-published_at", "-number")
    ).first()
    if version is None:
        first = procedure.versions.order_by("published_at").first()
        when = date_format(timezone.localtime(first.published_at), "j F Y") if first else None
        raise AsAtError(
            404,
            f"“{procedure.title}” was first published on {when}, after {date_format(day, 'j F Y')}."
            if when
            else f"“{procedure.title}” has not been published.",
        )
    withdrawal = (
        procedure.withdrawals.filter(withdrawn_at__lte=moment).order_by("-withdrawn_at").first()
    )
    if withdrawal and (withdrawal.reinstated_at is None or withdrawal.reinstated_at > moment):
        raise AsAtError(
            404,
            f"“{procedure.title}” was withdrawn on "
            f"{date_format(timezone.localtime(withdrawal.withdrawn_at), 'j F Y')} and was not in "
            f"use on {date_format(day, 'j F Y')}.",
        )
    return version
