"""What a matter is about, for the reports: pollution types and sub-types, and the industry.

Lists the administrators keep in Django admin (seeded with the Ministry's pollution types and
sub-types and the sections of the national industry classification, GB/T 4754-2017). A case
may touch several types and sub-types (so shares in a report may add up to more than 100%);
it has at most one industry (a field on the case). Cases registered before these lists have
none: the reports show them as "not classified", nothing is guessed.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class _Named(models.Model):
    """A list entry with a Chinese and an English name; retired with ``active``, never deleted."""

    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class PollutionType(_Named):
    code = models.SlugField(_("code"), max_length=30, unique=True)
    cases = models.ManyToManyField(
        "petitions.Case", blank=True, related_name="pollution_types", verbose_name=_("cases")
    )

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("pollution type")
        verbose_name_plural = _("pollution types")


class PollutionSubtype(_Named):
    pollution_type = models.ForeignKey(
        PollutionType,
        on_delete=models.PROTECT,
        related_name="subtypes",
        verbose_name=_("pollution type"),
    )
    cases = models.ManyToManyField(
        "petitions.Case", blank=True, related_name="pollution_subtypes", verbose_name=_("cases")
    )

    class Meta:
        ordering = ["pollution_type__order", "order", "id"]
        verbose_name = _("pollution sub-type")
        verbose_name_plural = _("pollution sub-types")
        constraints = [
            models.UniqueConstraint(
                fields=["pollution_type", "name"], name="pollution_subtype_unique_name"
            )
        ]


class Industry(_Named):
    """A section of the national industry classification (GB/T 4754-2017: A-T)."""

    code = models.CharField(_("code"), max_length=10, unique=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")

    def __str__(self) -> str:
        return f"{self.code} {super().__str__()}"


def classify_case(case, *, types, subtypes, industry, by=None) -> None:
    """Set what the matter is about (at intake or later by the office), in one transaction."""
    from django.db import transaction

    with transaction.atomic():
        case.pollution_types.set(types)
        case.pollution_subtypes.set(subtypes)
        if case.industry_id != getattr(industry, "pk", None):
            case.industry = industry
            case.save(update_fields=["industry", "updated_at"])
