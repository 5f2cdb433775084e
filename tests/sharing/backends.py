"""A mail backend of Django's own (the one tests read), which first runs what a test gives it:
something that happens elsewhere while a book is being mailed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from django.core.mail.backends import locmem


class MeanwhileBackend(locmem.EmailBackend):
    meanwhile: ClassVar[Callable[[], Any] | None] = None

    def send_messages(self, email_messages: Sequence[Any]) -> int:
        if MeanwhileBackend.meanwhile is not None:
            MeanwhileBackend.meanwhile()
        return super().send_messages(email_messages)
