"""The online petition form (网上信访, ``/petition/``): what a citizen can tell of the matter.

The desk form's fields without the office's own (channel, time received, duty day, referral,
acceptance, classification by pollution type): the same checks on the ID number, the
representatives and the attachments (``CaseForm``'s and ``MultipleFileField``'s), a mobile
phone (the notices come by text message), the four categories in plain words, a consent to
the processing of personal data, a cap on the text, and a field only robots fill.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from petitions.forms.cases import CaseForm
from petitions.forms.uploads import MultipleFileField
from petitions.identity import is_mobile, normalize_phone
from petitions.models import Case, Category, Classification

MAX_CONTENT = 5000  # characters: a long letter; more is better sent as an attachment
TRAP = "website"  # the field only robots fill (hidden from people and screen readers)

# The four categories the office takes up, in the words of a citizen (the labels are the
# plan's); anything else is told where to go once the office reads it.
CATEGORY_HELP = {
    Category.POLLUTION: _(
        "Smoke, dust, smells, noise, dirty water or waste that harm your daily life or work."
    ),
    Category.UNRESOLVED: _(
        "You reported an environmental problem before, more than once, and it is still there."
    ),
    Category.SUGGESTION: _("An idea or opinion that would help the city's environment."),
    Category.COORDINATION: _(
        "Another environmental matter that needs a leader of the bureau to bring offices together."
    ),
}
CLASSIFICATION_LABELS = {
    Classification.CLAIM: _("I ask for something to be done"),
    Classification.SUGGESTION: _("I make a suggestion"),
    Classification.ACCUSATION: _("I report wrongdoing by an official or office"),
}


class OnlinePetitionForm(forms.ModelForm):
    """A citizen's petition: who, where, what, which category; attachments; consent."""

    submission_token = forms.UUIDField(widget=forms.HiddenInput)
    category = forms.ChoiceField(
        label=_("What is it about?"),
        choices=[(value, label) for value, label in Category.choices if value in CATEGORY_HELP],
        widget=forms.RadioSelect,
    )
    classification = forms.ChoiceField(
        label=_("What do you want?"),
        choices=[(value, CLASSIFICATION_LABELS[value]) for value in CLASSIFICATION_LABELS],
        widget=forms.RadioSelect,
    )
    content = forms.CharField(
        label=_("Describe the problem"),
        max_length=MAX_CONTENT,
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": MAX_CONTENT}),
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("Photos or documents: PDF, JPEG or PNG, at most 10 MB each."),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the petition office processes the personal data in this form to "
            "handle my petition, as explained above."
        ),
        error_messages={
            "required": _(
                "Without your agreement we cannot handle the petition online: tick the box, "
                "or call or visit the petition office."
            )
        },
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = Case
        fields = [
            "petitioner_name",
            "petitioner_phone",
            "petitioner_id_number",
            "petitioner_address",
            "people_count",
            "representatives",
            "district",
            "location",
            "title",
            "category",
            "classification",
            "content",
        ]
        labels = {
            "petitioner_name": _("Your name"),
            "petitioner_phone": _("Your mobile phone"),
            "petitioner_id_number": _("Your resident ID number"),
            "petitioner_address": _("Your address"),
            "people_count": _("How many people petition together"),
            "representatives": _("Representatives"),
            "location": _("Where the problem is"),
            "title": _("The problem in a few words"),
        }
        widgets = {
            "petitioner_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "petitioner_phone": forms.TextInput(
                attrs={"inputmode": "tel", "autocomplete": "tel", "maxlength": 30}
            ),
            "petitioner_id_number": forms.TextInput(attrs={"autocomplete": "off", "maxlength": 30}),
            "petitioner_address": forms.TextInput(
                attrs={"autocomplete": "street-address", "maxlength": 200}
            ),
            "people_count": forms.NumberInput(attrs={"min": 1, "max": 9999}),
            "representatives": forms.TextInput(attrs={"autocomplete": "off"}),
        }
        help_texts = {
            "petitioner_phone": _(
                "A mobile number: the case number, the query code and the decisions come to "
                "it by text message."
            ),
            "petitioner_id_number": _("Optional; it helps us find your earlier petitions."),
            "petitioner_address": _("Optional; where a written answer can reach you."),
            "representatives": _(
                "Five or more people: name at most five representatives, separated by 、 or commas."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["petitioner_phone"].required = True
        self.fields["petitioner_address"].max_length = 200
        self.fields["petitioner_id_number"].max_length = 30
        self.fields["people_count"].min_value = 1
        self.fields["people_count"].max_value = 9999
        self.fields["people_count"].initial = 1
        self.fields["content"].help_text = gettext(
            "When and where it happens, who causes it, how it affects you. At most %(max)d "
            "characters; longer texts can be attached."
        ) % {"max": MAX_CONTENT}
        for name in ("title", "location", "petitioner_name", "representatives"):
            self.fields[name].widget.attrs.setdefault("maxlength", self.fields[name].max_length)

    def category_choices(self) -> list[tuple[str, str, str]]:
        """(value, label, plain explanation) of each category, for the template."""
        return [(v, Category(v).label, CATEGORY_HELP[v]) for v in CATEGORY_HELP]

    def is_robot(self) -> bool:
        """The hidden field was filled: people never see it, robots fill every field."""
        return bool(str(self.data.get(TRAP, "")).strip())

    def clean_petitioner_phone(self):
        phone = normalize_phone(self.cleaned_data["petitioner_phone"], settings.CITY_AREA_CODE)
        if not is_mobile(phone):
            raise ValidationError(
                _("Enter a mobile number (such as 13800138000): the notices come by text."),
                code="not_mobile",
            )
        return phone

    clean_petitioner_id_number = CaseForm.clean_petitioner_id_number
    clean_representatives = CaseForm.clean_representatives

    def clean(self):
        data = super().clean()
        people = data.get("people_count") or 1
        if people >= settings.GROUP_PETITION_SIZE and not data.get("representatives"):
            self.add_error(
                "representatives",
                _("%(count)d people petition together: name your representatives (at most five).")
                % {"count": people},
            )
        return data

    def prepare_refused(self) -> None:
        """Browsers drop chosen files when a form comes back: ask for them again."""
        if self.errors and self.files.getlist("attachments"):
            self.add_error(
                "attachments",
                _(
                    "The petition was not sent yet, and browsers do not keep chosen files: choose "
                    "them again."
                ),
            )

    def submission(self) -> dict:
        """The arguments of ``online.submit_petition`` (besides the visitor's address)."""
        data = self.cleaned_data
        fields = {name: data.get(name) for name in self.Meta.fields}
        return {
            **fields,
            "petitioner_id_number": data.get("petitioner_id_number") or "",
            "petitioner_address": (data.get("petitioner_address") or "").strip(),
            "representatives": data.get("representatives") or "",
            "people_count": data.get("people_count") or 1,
            "location": data["location"].strip(),
            "content": data["content"].strip(),
            "attachments": data.get("attachments") or [],
            "submission_token": data["submission_token"],
        }
