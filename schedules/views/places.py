"""The office keeps the reception places: address, public phone, reception hours, map link."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.access import require_role
from schedules import access, places
from schedules.forms import PlaceForm
from schedules.models import Place

place_editors_only = require_role(*access.PLACE_EDITORS)


@place_editors_only
def place_list(request):
    return render(request, "schedules/places.html", {"places": Place.objects.all()})


@place_editors_only
def place_edit(request, pk: int):
    place = get_object_or_404(Place, pk=pk)
    form = PlaceForm(request.POST or None, place=place)
    if request.method == "POST" and form.is_valid():
        try:
            places.update_place(
                place, version=form.cleaned_data["version"], by=request.user, **form.changes()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The place was saved; the public page shows it now."))
            return redirect("schedules:places")
    context = {"form": form, "place": place}
    status = 400 if request.method == "POST" else 200
    return render(request, "schedules/place_form.html", context, status=status)
