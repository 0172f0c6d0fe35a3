"""Forms of the casework beside the steps (``petitions/casework.py``): the leader's supervision
(督办) with its reply date, the unit's reply, the leader in charge (包案), and 初信初访."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from petitions.casework import default_reply_due
from petitions.forms.cases import CaseActionForm
from petitions.models import Case, Supervision
from schedules.models import Leader


def _text(label, required: bool = False, rows: int = 2) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


class SupervisionForm(CaseActionForm):
    versioned = False  # an instruction does not change the case
    comment = _text(_("Instruction"), required=True, rows=3)
    reply_due = forms.DateField(
        label=_("The unit replies by"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, case: Case, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("reply_due", default_reply_due())
        super().__init__(*args, case=case, **kwargs)


class InstructionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Supervision) -> str:
        return _("%(leader)s, %(issued)s: %(text)s (reply due %(due)s)") % {
            "leader": obj.leader.name,
            "issued": f"{obj.issued_at:%Y-%m-%d}",
            "text": obj.instruction[:40],
            "due": f"{obj.reply_due:%Y-%m-%d}",
        }


class ReplyForm(CaseActionForm):
    versioned = False  # the instruction's row is locked and checked instead
    supervision = InstructionChoiceField(
        Supervision.objects.none(), label=_("Instruction"), empty_label=None
    )
    reply = _text(_("Reply"), required=True, rows=4)

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        self.fields["supervision"].queryset = case.supervisions.awaiting_reply().select_related(
            "leader"
        )


class TakeChargeForm(CaseActionForm):
    comment = _text(_("Comment"))


class ChargeForm(CaseActionForm):
    leader = forms.ModelChoiceField(
        Leader.objects.none(),
        label=_("Leader in charge"),
        required=False,
        empty_label=_("Nobody (end the charge)"),
    )
    comment = _text(_("Comment"))

    def __init__(self, *args, case: Case, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("leader", case.leader_in_charge_id)
        super().__init__(*args, case=case, **kwargs)
        self.fields["leader"].queryset = Leader.objects.active()


class FirstPetitionForm(CaseActionForm):
    first = forms.TypedChoiceField(
        label=_("First petition on the matter"),
        choices=[("1", _("First petition (初信初访)")), ("0", _("Not a first petition"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    comment = _text(_("Reason"), required=True)

    def __init__(self, *args, case: Case, **kwargs):
        # The likely correction is the other mark.
        kwargs.setdefault("initial", {}).setdefault("first", "0" if case.is_first_petition else "1")
        super().__init__(*args, case=case, **kwargs)
