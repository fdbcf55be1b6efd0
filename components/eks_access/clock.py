"""Today's date (UTC), the one clock rules that change with the calendar are judged against.

EKS's offer of Kubernetes versions changes with dates (a release enters, then leaves standard and
extended support), so whether ``cluster.version`` deploys depends on the day. ``EKS_ACCESS_TODAY``
(``YYYY-MM-DD``) judges as of another day: a reproducible CI run, or "will this still deploy on
the day we apply it". The plan cache keys on this date.
"""

from __future__ import annotations

import datetime as dt
import os

from eks_access.errors import EksAccessError, one_line

TODAY_VARIABLE = "EKS_ACCESS_TODAY"


def today() -> dt.date:
    """``EKS_ACCESS_TODAY`` when set, else the current date in UTC (EKS's calendar is in UTC+0)."""
    text = os.environ.get(TODAY_VARIABLE)
    if text is None:
        return dt.datetime.now(dt.timezone.utc).date()
    try:
        if len(text) != 10:
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise EksAccessError(f"{TODAY_VARIABLE}: {one_line(repr(text))} is not a date as YYYY-MM-DD") from None
