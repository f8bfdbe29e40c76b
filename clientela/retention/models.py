"""Retention runs and the per-customer scores they write.

Scores are keyed by (run, customer): a run writes its rows in chunks, and they stay invisible
until the whole run is written and marked `published`. Readers always take the scores of the
workspace's latest published run (`RetentionRun.objects.current(ws)`), so a fit that fails or a
write that is interrupted never shows half a refresh; publishing a run deletes the rows of the
runs before it. Each customer has at most one current score.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientela.accounts.scoping import WorkspaceQuerySet, WorkspaceScoped, WorkspaceSettings
from clientela.clock.leases import LeasedRun

if TYPE_CHECKING:
    from clientela.accounts.models import Workspace


class RetentionModel(models.TextChoices):
    BGNBD = "bgnbd", _("BG/NBD")
    MBGNBD = "mbgnbd", _("MBG/NBD")
    PARETONBD = "paretonbd", _("Pareto/NBD")


# RetentionSettings.model: the refresh compares the models and keeps the best (`compare`),
# unless a manager pinned one of RetentionModel's values.
AUTOMATIC = "automatic"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    REFUSED = "refused", _("Refused")


class Segment(models.TextChoices):
    """Read from the model's figures (`stats.segments`); `description` says each in a sentence."""

    NEW = "new", _("New")
    CHAMPIONS = "champions", _("Champions")
    LOYAL = "loyal", _("Loyal")
    OCCASIONAL = "occasional", _("Occasional")
    CANNOT_LOSE_THEM = "cannot_lose_them", _("Cannot lose them")
    AT_RISK = "at_risk", _("At risk")
    ONE_TIME = "one_time", _("Bought once")
    LOST = "lost", _("Likely gone")

    @property
    def description(self) -> str:
        return str(SEGMENT_DESCRIPTIONS[self.value])


SEGMENT_DESCRIPTIONS = {
    "new": _("Bought for the first time recently, within about two of the shop's usual gaps."),
    "champions": _(
        "At least 70% likely still a customer and among the fifth of customers worth the most."
    ),
    "loyal": _("At least 70% likely still a customer, expected to buy again within a year."),
    "occasional": _(
        "At least 70% likely still a customer, but expected to buy less than once a year."
    ),
    "cannot_lose_them": _(
        "Among the fifth worth the most, but only 30-70% likely still a customer: worth a word."
    ),
    "at_risk": _("Only 30-70% likely still a customer: has not bought for longer than usual."),
    "one_time": _("Bought once, longer ago than most customers take to come back, and not since."),
    "lost": _("Under 30% likely still a customer: most like them do not come back."),
}


class RunQuerySet(WorkspaceQuerySet["RetentionRun"]):
    def current(self, workspace: Workspace) -> RetentionRun | None:
        """The run whose scores readers see: the latest one that finished writing them."""
        return (
            self.for_workspace(workspace)
            .filter(published=True)
            .order_by("-finished_at", "-pk")
            .first()
        )

    def newest(self, workspace: Workspace) -> RetentionRun | None:
        return self.for_workspace(workspace).order_by("-created_at", "-pk").first()


class RetentionRun(WorkspaceScoped, LeasedRun):
    """One refresh: summary, fit, then scores written in chunks ordered by customer id. A
    worker holds it under a lease (`LeasedRun`); a dead worker's run resumes after its last
    chunk. Its transitions are in `services.lifecycle`."""

    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    model = models.CharField(
        max_length=10, choices=RetentionModel.choices, default=RetentionModel.BGNBD
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The last day (in the workspace's time zone) of purchases the run looks at, and the
    # newest order it may see: a resumed run summarises exactly the same data.
    as_of = models.DateField(null=True, blank=True)
    max_order_id = models.BigIntegerField(null=True, blank=True)
    data_fingerprint = models.CharField(max_length=100, blank=True)
    fitted = models.BooleanField(default=False)
    parameters = models.JSONField(default=dict, blank=True)
    spend_parameters = models.JSONField(default=dict, blank=True)
    log_likelihood = models.FloatField(null=True, blank=True)
    # English, for the timeline and the logs; readers get `reason_text` in their language.
    reason = models.TextField(blank=True)
    reason_code = models.CharField(max_length=40, blank=True)
    reason_values = models.JSONField(default=dict, blank=True)
    # How the model was chosen (see `services.choosing`): {"mode": "automatic"} with the
    # holdout comparison of the candidates (`compare.Comparison.as_json`), {"mode": "pinned"}
    # (the settings named it) or {"mode": "requested"} (the request named it). Empty until the
    # fit phase decides, except for a requested model, which the request records.
    model_choice = models.JSONField(default=dict, blank=True)
    # A fit kept with a caveat (e.g. at the edge of the parameter space): a list of
    # {"code": ..., "values": {...}} worded for each reader by `warning_texts`.
    warnings = models.JSONField(default=list, blank=True)
    # What the CLV of this run's scores means: taken from the workspace's settings when the
    # run is fitted, so a resumed run values every chunk alike.
    clv_margin = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    clv_annual_discount = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    progress_done = models.IntegerField(default=0)
    progress_total = models.IntegerField(default=0)
    last_customer_id = models.BigIntegerField(default=0)
    published = models.BooleanField(default=False)
    # The dashboard's figures over this run's scores, computed once when it publishes (see
    # `reports.dashboard_snapshot`); null for runs published before it existed.
    dashboard = models.JSONField(null=True, blank=True, default=None)

    # A narrower queryset than WorkspaceScoped's, with the same for_workspace.
    # django-stubs types `objects` by the base's manager; this narrower one has the same API.
    objects = RunQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        indexes = [models.Index(fields=["workspace", "-created_at"], name="retention_run_ws")]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace"],
                condition=Q(status__in=["queued", "running"]),
                name="retention_one_active_run",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_model_display()} #{self.pk} ({self.status})"

    @property
    def progress_percent(self) -> int:
        if self.published:
            return 100
        if not self.progress_total:
            return 0
        return min(99, int(100 * self.progress_done / self.progress_total))

    @property
    def is_active(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)

    @property
    def reason_text(self) -> str:
        """Why the run was refused or failed, in the active language."""
        if not self.reason_code:
            return self.reason
        from clientela.retention.reasons import reason_text

        return reason_text(self.reason_code, self.reason_values)

    @property
    def warning_texts(self) -> list[str]:
        """The caveats of the fit, in the active language."""
        from clientela.retention.reasons import reason_text

        return [reason_text(w["code"], w["values"]) for w in self.warnings]


class ValidationRun(WorkspaceScoped, LeasedRun):
    """One holdout validation, computed by a worker (`retention_validation_execute`): on a
    large shop it takes longer than a web request may. Its report is kept in `result` so the
    page shows it after. Life: `queued` → `running` → `succeeded` | `failed`, under a lease
    (`LeasedRun`): a dead worker's validation is taken again by the next task that gets it.
    Its transitions are in `services.lifecycle`."""

    STEPS = 4  # summary, fit, holdout purchases, weekly expectation

    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    model = models.CharField(
        max_length=10, choices=RetentionModel.choices, default=RetentionModel.BGNBD
    )
    calibration_end = models.DateField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    steps_done = models.PositiveSmallIntegerField(default=0)
    # The ValidationReport as JSON (dates as ISO strings), once it succeeded.
    result = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    # Why it failed: a code of `reasons` and its numbers, worded for each reader.
    reason_code = models.CharField(max_length=40, blank=True)
    reason_values = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["workspace", "-created_at"], name="retention_val_ws")]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace"],
                condition=Q(status__in=["queued", "running"]),
                name="retention_one_active_validation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_model_display()} validation #{self.pk} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)

    @property
    def progress_percent(self) -> int:
        if self.status == RunStatus.SUCCEEDED:
            return 100
        return min(99, int(100 * self.steps_done / self.STEPS))

    @property
    def reason_text(self) -> str:
        """Why the validation failed, in the active language."""
        from clientela.retention.reasons import error_text

        return error_text(self.reason_code, self.reason_values) if self.reason_code else ""


DEFAULT_CLV_MARGIN = Decimal("1.0000")  # on revenue, until the owner says otherwise
DEFAULT_CLV_ANNUAL_DISCOUNT = Decimal("0.1000")


class RetentionSettings(WorkspaceSettings):
    """How a workspace values its customers. Read through `retention_settings_for`, which
    gives the defaults to a workspace that never saved any."""

    clv_margin = models.DecimalField(
        _("gross margin"),
        max_digits=5,
        decimal_places=4,
        default=DEFAULT_CLV_MARGIN,
        validators=[MinValueValidator(Decimal("0.0001")), MaxValueValidator(Decimal("1"))],
        help_text=_("The share of revenue the shop keeps; 1 counts the whole revenue."),
    )
    clv_annual_discount = models.DecimalField(
        _("annual discount rate"),
        max_digits=5,
        decimal_places=4,
        default=DEFAULT_CLV_ANNUAL_DISCOUNT,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("0.9999"))],
        help_text=_("What money a year from now is worth less than money today, e.g. 0.10."),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace"], name="retention_settings_workspace"),
            models.CheckConstraint(
                condition=Q(clv_margin__gt=0) & Q(clv_margin__lte=1),
                name="retention_settings_margin",
            ),
            models.CheckConstraint(
                condition=Q(clv_annual_discount__gte=0) & Q(clv_annual_discount__lt=1),
                name="retention_settings_discount",
            ),
        ]

    # AUTOMATIC, or the RetentionModel a manager pinned. No `choices` here: the service checks
    # the value against RetentionModel, so a model added there needs no migration of this.
    model = models.CharField(_("model"), max_length=20, default=AUTOMATIC)

    def as_dict(self) -> dict[str, Any]:
        return {
            "clv_margin": str(self.clv_margin),
            "clv_annual_discount": str(self.clv_annual_discount),
            "model": self.model,
        }


class ScoreQuerySet(WorkspaceQuerySet["CustomerScore"]):
    def current(self, workspace: Workspace) -> ScoreQuerySet:
        """The scores of the workspace's current run (none before the first refresh)."""
        run = RetentionRun.objects.current(workspace)
        return self.for_workspace(workspace).filter(run=run) if run else self.none()

    def of_current_run(self, workspace: Workspace) -> ScoreQuerySet:
        """`current` in one query: the current run is found by a subquery, not read first."""
        run = (
            RetentionRun.objects.for_workspace(workspace)
            .filter(published=True)
            .order_by("-finished_at", "-pk")
            .values("pk")[:1]
        )
        return self.for_workspace(workspace).filter(run=Subquery(run))


class CustomerScore(WorkspaceScoped):
    """What one run says about one customer. Model fields are null when the fit was refused."""

    # No single-column indexes on run and customer: (run, customer) and (customer, run) below
    # serve both, and each index more slows the writing of a million scores.
    # No database-level foreign keys either (db_constraint=False): PostgreSQL checks each one
    # per inserted row at commit, locking the customer's row, which took most of the time of
    # writing a million scores. Scores are derived rows written only by the refresh, for
    # customers it has just read; deletions still cascade through the ORM (on_delete).
    # The workspace too: its foreign key cost one trigger query per inserted row, and its
    # index one more index to keep up; every read of scores goes through a run, which
    # belongs to one workspace (the (run, ...) indexes serve the scoping).
    workspace = models.ForeignKey(
        "accounts.Workspace",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    run = models.ForeignKey(
        RetentionRun,
        on_delete=models.CASCADE,
        related_name="scores",
        db_index=False,
        db_constraint=False,
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="retention_scores",
        db_index=False,
        db_constraint=False,
    )
    p_alive = models.FloatField(null=True, blank=True)
    p_alive_previous = models.FloatField(null=True, blank=True)
    expected_purchases_90d = models.FloatField(null=True, blank=True)
    expected_purchases_365d = models.FloatField(null=True, blank=True)
    expected_spend = models.FloatField(null=True, blank=True)
    clv = models.FloatField(null=True, blank=True)
    segment = models.CharField(max_length=20, choices=Segment.choices)
    recency_score = models.PositiveSmallIntegerField()
    frequency_score = models.PositiveSmallIntegerField()
    monetary_score = models.PositiveSmallIntegerField()
    overdue_ratio = models.FloatField(null=True, blank=True)
    purchases = models.IntegerField()  # distinct purchase days
    total_spend = models.DecimalField(max_digits=14, decimal_places=2)
    first_purchase = models.DateField()
    last_purchase = models.DateField()
    scored_at = models.DateTimeField()
    model_name = models.CharField(max_length=20, blank=True)
    data_version = models.CharField(max_length=100, blank=True)

    # django-stubs types `objects` by the base's manager; this narrower one has the same API.
    objects = ScoreQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "customer"], name="score_run_customer")
        ]
        # No (run, segment) or (run, -clv) index: each secondary index costs a million more
        # WAL records and B-tree descents per refresh of a million scores (the one on CLV,
        # whose order is random, the most: 95 MB of WAL). Measured at a million scores, the
        # reads they served: a segment's customers 0.7 s with or without the index; the CLV
        # percentile 0.3 s through the index (warm) against 0.7-1.5 s by a scan and top-N
        # sort; the top tenth by CLV 1.6 s by a scan, longer through the index.
        indexes = [models.Index(fields=["customer", "run"], name="score_customer")]

    @property
    def p_alive_drop(self) -> float | None:
        if self.p_alive is None or self.p_alive_previous is None:
            return None
        return self.p_alive_previous - self.p_alive

    @property
    def segment_description(self) -> str:
        return str(SEGMENT_DESCRIPTIONS.get(self.segment, ""))


class ScoreKind(enum.Enum):
    """What a per-customer score column holds, as the refresh computes it (a numpy array
    per chunk) and as the table keeps it. The writer (`services.score_insert`) knows how each
    kind travels into the table."""

    INTEGER = "integer"  # int64: ids, counts
    SMALL = "small"  # a small int: the RFM scores 1-5
    FLOAT = "float"  # float64, NaN for NULL (the model's columns when the fit was refused)
    SEGMENT = "segment"  # one of Segment's values
    MONEY = "money"  # float64, kept as a decimal with 2 places
    DAY = "day"  # a day number since 1970-01-01, kept as a date


@dataclass(frozen=True)
class ScoreColumn:
    name: str  # the CustomerScore column
    kind: ScoreKind


# The columns of CustomerScore, the one list the refresh writes them by (a test holds it to
# the model). First those with one value per run, which the writer sets per chunk:
SCORE_RUN_COLUMNS = ("workspace_id", "run_id", "scored_at", "model_name", "data_version")
# then those with one value per customer, in the order the refresh writes them.
SCORE_COLUMNS: tuple[ScoreColumn, ...] = (
    ScoreColumn("customer_id", ScoreKind.INTEGER),
    ScoreColumn("p_alive", ScoreKind.FLOAT),
    ScoreColumn("p_alive_previous", ScoreKind.FLOAT),
    ScoreColumn("expected_purchases_90d", ScoreKind.FLOAT),
    ScoreColumn("expected_purchases_365d", ScoreKind.FLOAT),
    ScoreColumn("expected_spend", ScoreKind.FLOAT),
    ScoreColumn("clv", ScoreKind.FLOAT),
    ScoreColumn("segment", ScoreKind.SEGMENT),
    ScoreColumn("recency_score", ScoreKind.SMALL),
    ScoreColumn("frequency_score", ScoreKind.SMALL),
    ScoreColumn("monetary_score", ScoreKind.SMALL),
    ScoreColumn("overdue_ratio", ScoreKind.FLOAT),
    ScoreColumn("purchases", ScoreKind.INTEGER),
    ScoreColumn("total_spend", ScoreKind.MONEY),
    ScoreColumn("first_purchase", ScoreKind.DAY),
    ScoreColumn("last_purchase", ScoreKind.DAY),
)
