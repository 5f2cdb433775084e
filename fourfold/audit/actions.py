"""What each audit action code means to a reader: one label per code, in this one place."""

from __future__ import annotations

import re

LABELS = {
    # Values and targets
    "values.written": "Values written",
    "targets.written": "Targets written",
    "values.entered": "Values entered",
    "target.set": "Targets set",
    "value.submitted": "Values sent for approval",
    "value.approved": "Value approved",
    "value.rejected": "Value rejected",
    "approval.set": "Approval rule changed",
    # Files and data sources
    "import": "File imported",
    "import.mapping": "Column mapping saved",
    "load": "Scorecard file loaded",
    "connector": "Data source changed",
    "connector_run": "Data source run",
    "remind": "Reminders sent",
    # The scorecard's definition
    "unit.create": "Unit added",
    "unit.update": "Unit changed",
    "perspective.create": "Perspective added",
    "perspective.update": "Perspective changed",
    "perspective.move": "Perspective moved",
    "perspective.archive": "Perspective archived",
    "perspective.restore": "Perspective restored",
    "objective.create": "Objective added",
    "objective.update": "Objective changed",
    "objective.move": "Objective moved",
    "objective.archive": "Objective archived",
    "objective.restore": "Objective restored",
    "objective.alignment": "Objective alignment changed",
    "cascade.made": "Scorecard cascaded from the parent's",
    "cascade.applied": "Changes from above applied to a cascade",
    "cascade.kept": "Changes from above kept out of a cascade",
    "objective.links": "Cause-effect links changed",
    "kpi.create": "KPI added",
    "kpi.update": "KPI changed",
    "kpi.move": "KPI moved",
    "kpi.archive": "KPI archived",
    "kpi.restore": "KPI restored",
    "comment.add": "Comment added",
    # Reviews and their action items
    "review.series": "Review series added",
    "review.plan": "Review planned",
    "review.start": "Review started",
    "review.close": "Review closed",
    "review.agenda": "Review agenda changed",
    "review.commentary": "Commentary written",
    "review.decision": "Decision recorded",
    "action.create": "Action item added",
    "action.status": "Action item status changed",
    "action.remind": "Action item reminders sent",
    # Initiatives
    "initiative.create": "Initiative added",
    "initiative.update": "Initiative changed",
    "initiative.delete": "Initiative deleted",
    "initiative.progress": "Initiative progress entered",
    "initiative.progress.remove": "Initiative progress removed",
    "initiative.note": "Initiative status note added",
    "milestone.create": "Milestone added",
    "milestone.update": "Milestone changed",
    "milestone.delete": "Milestone deleted",
    # Alerts
    "alerts.follow": "Started following",
    "alerts.change": "Alert changed",
    "alerts.unfollow": "Stopped following",
    "alerts.channel": "Alert channel added",
    "alerts.channel.delete": "Alert channel removed",
    "alerts.sent": "Alert messages sent",
    # People
    "user.create": "User added",
    "user.change": "User's name or email changed",
    "user.activate": "User reactivated",
    "user.deactivate": "User deactivated",
    "user.password": "Password set",
    "user.unlock": "Sign-in unlocked",
    "user.2fa.enrol": "Two-factor sign-in turned on",
    "user.2fa.codes": "New recovery codes made",
    "user.2fa.off": "Two-factor sign-in turned off",
    "user.2fa.reset": "Two-factor sign-in reset",
    "signin.2fa.required": "Two-factor sign-in required",
    "role.grant": "Role granted",
    "role.revoke": "Role removed",
    # The API
    "api.token.create": "API token created",
    "api.token.revoke": "API token revoked",
    "api.values": "Values sent through the API",
    "api.target": "Target set through the API",
    "api.kpi.create": "KPI added through the API",
    "api.kpi.update": "KPI changed through the API",
    # Revisions
    "revision.save": "Revision saved",
    # Safety nets
    "scores.deleted": "Scored data deleted outside Fourfold",
    # Briefing books, books sent and share links
    "book_template.create": "Book saved",
    "book_template.update": "Saved book changed",
    "book_template.delete": "Saved book deleted",
    "book_schedule.create": "Book scheduled",
    "book_schedule.update": "Book schedule changed",
    "book_schedule.delete": "Book schedule removed",
    "book.sent": "Book sent",
    "share.create": "Share link made",
    "share.revoke": "Share link revoked",
}

# Entries that only say "these values or targets were written": the History shows the
# values and targets themselves, one entry per change, and leaves these out.
SHOWN_AS_ROWS = frozenset(
    {
        "values.written",
        "targets.written",
        "values.entered",
        "target.set",
        "api.values",
        "api.target",
    }
)

ACRONYMS = {"kpi": "KPI", "kpis": "KPIs", "api": "API", "csv": "CSV", "sql": "SQL"}


def label(code: str) -> str:
    """The label of an action code; an unknown code is turned into words, never shown raw."""
    if code in LABELS:
        return LABELS[code]
    words = [ACRONYMS.get(w, w) for w in re.split(r"[._\-\s]+", code.lower()) if w]
    if not words:
        return "Other change"
    text = " ".join(words)
    return text[0].upper() + text[1:]
