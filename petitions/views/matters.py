"""The office's later classification of a case for the reports (POST only; the case page
shows the form through the ``case_matters`` tag)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from petitions.classify import may_classify, reclassify_case
from petitions.forms.matters import MattersForm
from petitions.views.cases import _detail, _visible_case


@require_POST
def case_classify(request, pk: int):
    """Pollution types, sub-types and industry; a refusal is shown on the case page."""
    case = _visible_case(request, pk)
    if not may_classify(request.user):
        raise PermissionDenied
    form = MattersForm(request.POST, case=case, prefix="matters")
    if not form.is_valid():
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        return _detail(request, case, alert=errors, status=400)
    try:
        reclassify_case(
            case, by=request.user, version=form.cleaned_data["version"], **form.matters()
        )
    except ValidationError as error:
        fresh = _visible_case(request, pk)
        return _detail(request, fresh, alert=error.messages, status=409)
    messages.success(request, _("The classification for the reports was saved."))
    return redirect("petitions:detail", pk=case.pk)
