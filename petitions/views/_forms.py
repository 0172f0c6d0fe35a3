"""What every view does with a refusal: a rule's ValidationError shown next to the form's
fields (on the form as a whole for a field it does not have)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def form_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a workflow's ValidationError next to the form's fields."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
