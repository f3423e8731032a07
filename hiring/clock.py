"""The company's date: what "today" is for due dates, start-date windows and the audit log's default period.

The company's time zone, not the server's or UTC's, so that an onboarding task does not turn overdue at 01:00 in
Amsterdam because it is still yesterday in UTC. Infrastructure: features import it, it imports no feature.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app


def company_today(now: datetime, tz: str) -> date:
    """The date it is at the moment `now` in the time zone `tz` (pure, for tests and the maths)."""
    return now.astimezone(ZoneInfo(tz)).date()


def today() -> date:
    """The company's date now (COMPANY_TIMEZONE)."""
    return company_today(datetime.now(timezone.utc), current_app.config["COMPANY_TIMEZONE"])
