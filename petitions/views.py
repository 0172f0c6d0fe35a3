"""Case intake and handling pages."""

# Placeholder until intake lands: keeps the URLconf importable.
from django.http import Http404  # noqa: E402


def case_new(request):
    raise Http404


def case_detail(request, pk):
    raise Http404
