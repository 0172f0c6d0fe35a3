"""The statistics' summary tables: counts per day and per month of receipt that PostgreSQL keeps
up to date.

Written only by the database's triggers (migration ``0024_statistics_triggers``), read by
``petitions/stats_summary.py``. Each row adds up cases received on one local day, or in one
month (``whole_month``: a year is twelve rows, not 365); a period is a sum of whole months and
of the days at either end. See ``stats_summary`` for what is counted here and what live.
"""

from __future__ import annotations

from django.db import models

from schedules.models import Duty, Leader, Unit

# The figures a finished case counts in once and for all (``statistics.FIGURES`` without the
# time-dependent denominators, which equal "decided" and "answered" for a finished case).
DAY_FIGURES = (
    "total",
    "group_petitions",
    "skip_level",
    "repeat",
    "not_accepted",
    "decided",
    "accepted_on_time",
    "answered",
    "closed_on_time",
    "rated",
    "satisfied",
)


def _key(model, name: str):
    """A key column without a constraint: a summary row never holds up deleting its target."""
    return models.ForeignKey(
        model,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        db_index=False,
        verbose_name=name,
    )


class StatSettings(models.Model):
    """The settings the summary was counted with (one row): when they differ from the running
    settings, the statistics are counted live until ``manage.py refreshstats``."""

    time_zone = models.CharField(max_length=64)
    group_size = models.PositiveSmallIntegerField()
    acceptance_days = models.PositiveSmallIntegerField()
    handling_days = models.PositiveSmallIntegerField()

    class Meta:
        db_table = "petitions_stat_settings"

    def __str__(self) -> str:
        return f"{self.time_zone} {self.group_size} {self.acceptance_days} {self.handling_days}"


class StatDay(models.Model):
    """Finished cases (closed, not accepted, transferred) received on ``day`` (or in the
    month beginning on ``day``: ``whole_month``), per unit, leader and duty day: cases and
    people of each figure, and the days to answer."""

    whole_month = models.BooleanField(default=False)
    day = models.DateField()
    unit = _key(Unit, "unit")
    leader = _key(Leader, "leader")
    duty = _key(Duty, "duty")
    answer_days = models.BigIntegerField(default=0)
    answer_count = models.BigIntegerField(default=0)
    cases_total = models.BigIntegerField(default=0)
    people_total = models.BigIntegerField(default=0)
    cases_group_petitions = models.BigIntegerField(default=0)
    people_group_petitions = models.BigIntegerField(default=0)
    cases_skip_level = models.BigIntegerField(default=0)
    people_skip_level = models.BigIntegerField(default=0)
    cases_repeat = models.BigIntegerField(default=0)
    people_repeat = models.BigIntegerField(default=0)
    cases_not_accepted = models.BigIntegerField(default=0)
    people_not_accepted = models.BigIntegerField(default=0)
    cases_decided = models.BigIntegerField(default=0)
    people_decided = models.BigIntegerField(default=0)
    cases_accepted_on_time = models.BigIntegerField(default=0)
    people_accepted_on_time = models.BigIntegerField(default=0)
    cases_answered = models.BigIntegerField(default=0)
    people_answered = models.BigIntegerField(default=0)
    cases_closed_on_time = models.BigIntegerField(default=0)
    people_closed_on_time = models.BigIntegerField(default=0)
    cases_rated = models.BigIntegerField(default=0)
    people_rated = models.BigIntegerField(default=0)
    cases_satisfied = models.BigIntegerField(default=0)
    people_satisfied = models.BigIntegerField(default=0)

    class Meta:
        db_table = "petitions_stat_day"
        constraints = [
            models.UniqueConstraint(
                fields=["whole_month", "day", "unit", "leader", "duty"],
                name="stat_day_key",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.unit_id} {self.leader_id} {self.duty_id}: {self.cases_total}"


class StatBreakdown(models.Model):
    """Every case received on ``day`` (or in its month: ``whole_month``) by one breakdown's
    value (a channel, a district, a unit's id ...; a pollution type's id for each of the
    case's types; None: none)."""

    whole_month = models.BooleanField(default=False)
    day = models.DateField()
    dimension = models.CharField(max_length=20)
    value = models.CharField(max_length=40, null=True)
    cases = models.BigIntegerField(default=0)
    people = models.BigIntegerField(default=0)

    class Meta:
        db_table = "petitions_stat_breakdown"
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "whole_month", "day", "value"],
                name="stat_breakdown_key",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.dimension}={self.value}: {self.cases}"


class StatMarks(models.Model):
    """Every case received in ``month`` (its first day) by its marks: the monthly trend of
    group, skip-level and repeat petitions, counted by ``statistics`` from these rows."""

    month = models.DateField()
    people_count = models.PositiveIntegerField()
    skipped_level = models.BooleanField()
    is_repeat = models.BooleanField()
    cases = models.BigIntegerField(default=0)

    class Meta:
        db_table = "petitions_stat_marks"
        constraints = [
            models.UniqueConstraint(
                fields=["month", "people_count", "skipped_level", "is_repeat"],
                name="stat_marks_key",
            )
        ]

    def __str__(self) -> str:
        marks = f"{self.people_count} {self.skipped_level} {self.is_repeat}"
        return f"{self.month:%Y-%m} {marks}: {self.cases}"
