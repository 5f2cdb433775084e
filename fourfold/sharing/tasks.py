"""The function the django-q2 worker calls every few minutes, by its dotted name."""

from __future__ import annotations

from .services import run_due


def send_due() -> str:
    """Send the books that are due; what was sent and what failed is in their log."""
    done = run_due()
    sent = sum(d.status == "sent" for _, copies in done for d in copies)
    failed = sum(d.status == "failed" for _, copies in done for d in copies)
    return f"{len(done)} schedules due: {sent} sent, {failed} failed"
