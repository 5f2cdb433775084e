"""The revision counter that every write scores depend on moves, and what each move changed."""

from __future__ import annotations

from django.db import models


class Revision(models.Model):
    """The one row (pk 1): `number` moves in the same transaction as every write of values,
    targets or definitions; `definitions` is the number at the last write of anything but
    the values and targets of known KPIs (after which scores are computed afresh); `mark`, a
    random number drawn at each move, so that a revision of this database's history is told
    from one of another database, or of a backup restored, that counted up to the same number
    (the rows kept in a file, fourfold/scoring/stored.py)."""

    number = models.BigIntegerField(default=0)
    definitions = models.BigIntegerField(default=0)
    mark = models.BigIntegerField(default=0)
    definitions_mark = models.BigIntegerField(default=0)  # the mark at `definitions`
    # The number at the last write of values or targets that was not followed (a statement
    # outside the storage writers, a write of too many KPIs): the rows kept before it are
    # read again; the rows kept across a change of anything else are not.
    unfollowed = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"revision {self.number}"


class ScoreChange(models.Model):
    """A KPI whose values or targets the write numbered `revision` changed: its value or
    target of `period`, or any of them when blank; `mark`, the revision's (see Revision)."""

    revision = models.BigIntegerField(db_index=True)
    kpi_id = models.BigIntegerField()
    period = models.CharField(max_length=20, blank=True, default="")
    mark = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        what = f"{self.period} of KPI {self.kpi_id}" if self.period else f"KPI {self.kpi_id}"
        return f"{what} at revision {self.revision}"
