"""Display names of the store's codes (states, actions, sources, urgencies, roles) in the UI language.

The store keeps short English codes; people read them in their own language. The literal strings are
written out here so `pyside6-lupdate` finds them; the tables are built once, after the translator is
installed (`application.install_translator` clears the cache when the language changes).
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QCoreApplication


@cache
def states() -> dict[str, str]:
    return {
        "reported": QCoreApplication.translate("State", "Reported"),
        "verifying": QCoreApplication.translate("State", "Verifying"),
        "registered": QCoreApplication.translate("State", "Registered"),
        "rejected": QCoreApplication.translate("State", "Rejected"),
        "dispatched": QCoreApplication.translate("State", "Dispatched"),
        "handling": QCoreApplication.translate("State", "Handling"),
        "suspended": QCoreApplication.translate("State", "Suspended"),
        "handled": QCoreApplication.translate("State", "Handled"),
        "checking": QCoreApplication.translate("State", "Checking"),
        "checked": QCoreApplication.translate("State", "Checked"),
        "closed": QCoreApplication.translate("State", "Closed"),
        "cancelled": QCoreApplication.translate("State", "Cancelled"),
    }


@cache
def actions() -> dict[str, str]:
    return {
        "report": QCoreApplication.translate("Action", "Report"),
        "merge": QCoreApplication.translate("Action", "Merge repeat"),
        "send_verify": QCoreApplication.translate("Action", "Send to verify"),
        "register": QCoreApplication.translate("Action", "Register"),
        "reject": QCoreApplication.translate("Action", "Reject"),
        "request_self_handle": QCoreApplication.translate("Action", "Request self-handling"),
        "approve_self_handle": QCoreApplication.translate("Action", "Approve self-handling"),
        "refuse_self_handle": QCoreApplication.translate("Action", "Refuse self-handling"),
        "dispatch": QCoreApplication.translate("Action", "Dispatch"),
        "void": QCoreApplication.translate("Action", "Void"),
        "accept": QCoreApplication.translate("Action", "Accept"),
        "request_return": QCoreApplication.translate("Action", "Request return"),
        "approve_return": QCoreApplication.translate("Action", "Approve return"),
        "refuse_return": QCoreApplication.translate("Action", "Refuse return"),
        "request_extension": QCoreApplication.translate("Action", "Request extension"),
        "approve_extension": QCoreApplication.translate("Action", "Approve extension"),
        "refuse_extension": QCoreApplication.translate("Action", "Refuse extension"),
        "request_suspend": QCoreApplication.translate("Action", "Request suspension"),
        "approve_suspend": QCoreApplication.translate("Action", "Approve suspension"),
        "refuse_suspend": QCoreApplication.translate("Action", "Refuse suspension"),
        "resume": QCoreApplication.translate("Action", "Resume"),
        "feedback": QCoreApplication.translate("Action", "Feedback"),
        "send_check": QCoreApplication.translate("Action", "Send to check"),
        "check_pass": QCoreApplication.translate("Action", "Check passed"),
        "check_fail": QCoreApplication.translate("Action", "Check failed (rework)"),
        "recheck": QCoreApplication.translate("Action", "Send back to check"),
        "close": QCoreApplication.translate("Action", "Close"),
        "dispatch_down": QCoreApplication.translate("Action", "Dispatch down"),
        "hand_back": QCoreApplication.translate("Action", "Hand back"),
        "escalate": QCoreApplication.translate("Action", "Escalate"),
    }


@cache
def sources() -> dict[str, str]:
    return {
        "grid_worker": QCoreApplication.translate("Source", "Grid worker"),
        "citizen": QCoreApplication.translate("Source", "Citizen"),
        "hotline": QCoreApplication.translate("Source", "12345 hotline"),
        "video": QCoreApplication.translate("Source", "Video AI"),
        "sensor": QCoreApplication.translate("Source", "Sensor alarm"),
        "superior": QCoreApplication.translate("Source", "Superior transfer"),
        "center": QCoreApplication.translate("Source", "Center"),
    }


@cache
def urgencies() -> dict[str, str]:
    return {
        "A": QCoreApplication.translate("Urgency", "A Urgent"),
        "B": QCoreApplication.translate("Urgency", "B Important"),
        "C": QCoreApplication.translate("Urgency", "C Normal"),
    }


@cache
def roles() -> dict[str, str]:
    return {
        "acceptor": QCoreApplication.translate("Role", "Acceptor"),
        "shift_leader": QCoreApplication.translate("Role", "Shift leader"),
        "dispatcher": QCoreApplication.translate("Role", "Dispatcher"),
        "handler": QCoreApplication.translate("Role", "Department handler"),
        "grid_worker": QCoreApplication.translate("Role", "Grid worker"),
        "supervisor": QCoreApplication.translate("Role", "Supervisor"),
        "admin": QCoreApplication.translate("Role", "Administrator"),
        "system": QCoreApplication.translate("Role", "System"),
    }


@cache
def units() -> dict[str, str]:
    """The units of a handling limit (docs/DOMAIN.md "Deadlines")."""
    return {
        "working_hours": QCoreApplication.translate("Unit", "working hours"),
        "working_days": QCoreApplication.translate("Unit", "working days"),
        "hours": QCoreApplication.translate("Unit", "hours"),
        "days": QCoreApplication.translate("Unit", "days"),
    }


@cache
def detectors() -> dict[str, str]:
    """The video detectors that ship (docs/DETECTORS.md); a site's own plugin shows its entry-point name."""
    return {
        "occupancy": QCoreApplication.translate("Detector", "street occupation"),
        "parking": QCoreApplication.translate("Detector", "illegal parking"),
        "bin": QCoreApplication.translate("Detector", "overflowing bin"),
        "falling": QCoreApplication.translate("Detector", "falling object"),
        "smoke": QCoreApplication.translate("Detector", "smoke or fire"),
        "onnx": QCoreApplication.translate("Detector", "object model (ONNX)"),
    }


@cache
def requests() -> dict[str, str]:
    return {
        "return": QCoreApplication.translate("Request", "return"),
        "extension": QCoreApplication.translate("Request", "extension"),
        "suspend": QCoreApplication.translate("Request", "suspension"),
        "self_handle": QCoreApplication.translate("Request", "self-handling"),
    }


def label(table: dict[str, str], code: str | None) -> str:
    """The display name of a code; an unknown code (a site's own) shows as itself."""
    if code is None:
        return ""
    return table.get(code, code)


def clear() -> None:
    for table in (states, actions, sources, urgencies, roles, requests, units):
        table.cache_clear()


def duration(seconds: float, *, days: bool = True) -> str:
    """Time left as a dispatcher reads it, in one format: `2d 03:15` / `2天 03:15`, `03:15`, `-2d 19:11`.

    Working time never shows days (a working day is 7.5 hours, not 24): `30:00` is 4 working days.
    Minutes, never seconds: the column ticks every second and a changing last digit draws the eye.
    """
    sign = "-" if seconds < 0 else ""
    total = int(abs(seconds)) // 60
    days_, rest = divmod(total, 1440) if days else (0, total)
    hours, minutes = divmod(rest, 60)
    if days_:
        day = QCoreApplication.translate("Duration", "d")
        return f"{sign}{days_}{day} {hours:02d}:{minutes:02d}"
    return f"{sign}{hours:02d}:{minutes:02d}"
