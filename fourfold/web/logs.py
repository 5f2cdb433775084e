"""A refusal (403) in the log is one line with its reason, not a traceback."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied


class OneLineRefusals(logging.Filter):
    """Django logs a PermissionDenied with its traceback, as if it were a fault: it is an answer."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, PermissionDenied):
            request = getattr(record, "request", None)
            user = getattr(request, "user", None)
            who = user.get_username() if user is not None and user.is_authenticated else "anonymous"
            path = getattr(request, "path", "")
            method = getattr(request, "method", "")
            record.msg = "Refused %s %s to %s: %s"
            record.args = (method, path, who, str(exc) or "no reason given")
            record.exc_info = None
            record.exc_text = None
        return True
