"""Forms of the steps about letters, reviews, hand-offs and evidence: the answer's approval
with its issuer, the delivery (送达), the transfer (转送) to another authority, the forwarding of
a review request to the higher body and its decision; and the progress note and the draft
with their evidence files, checked as at intake (``MultipleFileField``).
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petitions import letters
from petitions.forms.cases import (
    AnswerForm,
    CaseActionForm,
    MultipleFileField,
    NoteForm,
)
from petitions.models import Case, DeliveryMethod, Review
from schedules.models import Unit


def _evidence() -> MultipleFileField:
    return MultipleFileField(
        label=_("Evidence"),
        required=False,
        help_text=_(
            "Inspection photos, decisions, monitoring reports: PDF, JPEG or PNG, at most 10 MB "
            "each."
        ),
    )


def _comment(label, required: bool = False, rows: int = 2) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


def _date(label) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d"],
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )


class EvidenceNoteForm(NoteForm):
    files = _evidence()


class DraftForm(AnswerForm):
    files = _evidence()


class IssuerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name} ({obj.get_kind_display()})"


class ApproveForm(AnswerForm):
    """The answer as approved, who issues it (a branch in its own name, or the bureau), and
    any evidence the office adds (the signed decision)."""

    issuer = IssuerChoiceField(
        Unit.objects.none(),
        label=_("Issued by"),
        required=False,
        empty_label=_("The bureau itself"),
        help_text=_(
            "Who issues the answer decides who reviews it: the bureau reviews a branch's "
            "answer; a review of the bureau's own answer goes to the higher body."
        ),
    )
    files = _evidence()

    def __init__(self, *args, case: Case, **kwargs):
        default = letters.default_issuer(case)
        kwargs.setdefault("initial", {}).setdefault("issuer", default.pk if default else None)
        super().__init__(*args, case=case, **kwargs)
        if case.review_level:
            del self.fields["issuer"]  # a review opinion is the bureau's own
        else:
            self.fields["issuer"].queryset = Unit.objects.filter(active=True)
        self.order_fields(["version", "answer", "issuer", "files"])

    def clean_issuer(self):
        return self.cleaned_data.get("issuer")  # None: the bureau itself


class DeliveryForm(CaseActionForm):
    delivered_on = _date(_("Delivered on"))
    method = forms.ChoiceField(
        label=_("How"), choices=DeliveryMethod.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=200,
        help_text=_("Who received it, the postal tracking number, where the notice was posted."),
    )

    def __init__(self, *args, case: Case, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("delivered_on", timezone.localdate())
        super().__init__(*args, case=case, **kwargs)


class TransferForm(CaseActionForm):
    authority = forms.CharField(
        label=_("Receiving authority"),
        max_length=200,
        help_text=_("The authority whose duty the matter is, e.g. 朝阳市住房和城乡建设局."),
    )
    comment = _comment(_("Note for the receiving authority"), rows=3)


class ForwardReviewForm(CaseActionForm):
    higher_body = forms.CharField(
        label=_("Higher body"),
        max_length=200,
        help_text=_(
            "The body one level above: 朝阳市人民政府 or 辽宁省生态环境厅 for a review of the "
            "bureau's answer; one level higher again for a second review."
        ),
    )
    forwarded_on = _date(_("Forwarded on"))
    comment = _comment(_("Note"))

    def __init__(self, *args, case: Case, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("forwarded_on", timezone.localdate())
        super().__init__(*args, case=case, **kwargs)


class ReviewDecisionForm(CaseActionForm):
    decided_on = _date(_("Decided on"))
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Review.Outcome.choices, widget=forms.RadioSelect
    )
    decision = _comment(_("The decision, in short"), required=True, rows=3)
