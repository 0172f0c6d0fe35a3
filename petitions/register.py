"""The register (台账) of cases: filter, search, sort, page and export."""

# Placeholder until the register lands: keeps the URLconf importable.
from django.http import Http404  # noqa: E402


def case_list(request):
    raise Http404


def case_export(request, fmt):
    raise Http404
