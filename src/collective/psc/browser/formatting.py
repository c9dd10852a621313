"""How sizes, dates and classifiers read on the pages."""

from datetime import datetime
from datetime import UTC


# Plone's main template leaves out a portlet column that the request disables.
HIDE_NAVIGATION = "disable_plone.leftcolumn"


UNITS = ("bytes", "KiB", "MiB", "GiB")


def human_size(size: int) -> str:
    """Return a size in bytes as people read it (1.5 MiB)."""
    value = float(size)
    for unit in UNITS:
        if value < 1024 or unit == UNITS[-1]:
            break
        value /= 1024
    if unit == "bytes":
        return f"{size} bytes"
    return f"{value:.1f} {unit}"


def day(date: datetime | None) -> str:
    """Return the UTC day of a date (2026-01-31), or an empty string."""
    if date is None:
        return ""
    if hasattr(date, "asdatetime"):
        date = date.asdatetime()
    if date.tzinfo is not None:
        date = date.astimezone(UTC)
    return date.strftime("%Y-%m-%d")


def is_stale(date: datetime | None, *, now: datetime, days: int = 365) -> bool:
    """Tell whether a date is more than a number of days before now."""
    if date is None:
        return False
    if date.tzinfo is None:
        date = date.replace(tzinfo=UTC)
    return (now - date).days > days


def is_web_url(url: str) -> bool:
    """Tell whether a URL is safe to link: http or https only."""
    return url.lower().startswith(("https://", "http://"))
