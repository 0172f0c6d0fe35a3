"""The office's page of hotline transfers: upload a batch, see the orders, export the replies.

Each view reads its form, calls one function of ``petitions/transfers.py`` (or builds the reply
file, ``petitions/transfer_files.py``) and responds. Only the petition office and
administrators (``access.may_import_transfers``). The pages show callers' work orders:
``never_cache``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from petitions import access, transfers
from petitions.forms.transfers import BatchForm, ReplyExportForm
from petitions.models import Case, WorkOrder
from petitions.transfer_files import reply_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECENT = 50


def _require_office(request: HttpRequest) -> None:
    if not access.may_import_transfers(request.user):
        raise PermissionDenied


@never_cache
@require_http_methods(["GET", "POST"])
def transfer_page(request: HttpRequest) -> HttpResponse:
    """The batch upload; on POST, every row's outcome, or every bad row's messages."""
    _require_office(request)
    context: dict = {"row_errors": [], "outcomes": []}
    status = 200
    if request.method == "POST":
        form = BatchForm(request.POST, request.FILES)
        if form.is_valid():
            batch = transfers.import_batch(
                form.cleaned_data["platform"],
                form.cleaned_data["file"].rows,
                by=request.user,
                file_name=form.file_name,
            )
            context.update(
                row_errors=batch.row_errors, outcomes=batch.outcomes, created=batch.created
            )
        if not form.is_valid() or context["row_errors"]:
            status = 400
    else:
        form = BatchForm()
    orders = WorkOrder.objects.select_related("case").order_by("-imported_at", "-id")
    context.update(
        form=form,
        export_form=ReplyExportForm(initial={"replied_only": True}),
        orders=orders[:RECENT],
        today=timezone.localdate(),
    )
    return render(request, "petitions/transfers.html", context, status=status)


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@never_cache
@require_GET
def reply_export(request: HttpRequest) -> HttpResponse:
    """A platform's replies in its Excel format: the orders imported in a period."""
    _require_office(request)
    form = ReplyExportForm(request.GET)
    if not form.is_valid():
        orders = WorkOrder.objects.select_related("case").order_by("-imported_at", "-id")
        context = {"form": BatchForm(), "export_form": form, "orders": orders[:RECENT]}
        return render(request, "petitions/transfers.html", context, status=400)
    start, end = form.period()
    orders = WorkOrder.objects.filter(
        platform=form.cleaned_data["platform"],
        imported_at__date__gte=start,
        imported_at__date__lte=end,
    )
    if form.cleaned_data["replied_only"]:
        orders = orders.replied()
    orders = orders.select_related("case__referral_reason").order_by("imported_at", "id")
    name = f"reply-{form.cleaned_data['platform']}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
    return _xlsx(reply_workbook(orders), name)


@never_cache
@require_GET
def case_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """One transferred case's reply, in its platform's Excel format."""
    _require_office(request)
    case = get_object_or_404(Case.objects.visible_to(request.user), pk=pk)
    order = WorkOrder.objects.filter(case=case).select_related("case__referral_reason").first()
    if order is None:
        raise Http404
    name = f"reply-{order.platform}-{order.number}-{timezone.localdate():%Y%m%d}.xlsx"
    return _xlsx(reply_workbook([order]), name)
