"""One helper puts a rule's refusal on a form, for every view (petitions/views/_forms.py)."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError

from petitions.views._forms import form_errors

VIEWS = Path(__file__).resolve().parents[2] / "petitions" / "views"


class _Form(forms.Form):
    phone = forms.CharField(required=False)


def test_a_refusal_goes_next_to_its_field_or_on_the_form():
    form = _Form({"phone": "1"})
    form.is_valid()
    form_errors(form, ValidationError({"phone": "wrong phone", "elsewhere": "not here"}))
    assert form.errors == {"phone": ["wrong phone"], "__all__": ["not here"]}


def test_no_view_keeps_its_own_copy():
    copies = [path.name for path in VIEWS.glob("*.py") if "def _form_errors" in path.read_text()]
    assert copies == []
