"""Case intake and handling pages: parse the input, call one intake or workflow function,
redirect.

Every view finds its case through ``Case.objects.visible_to(user)``: a case outside it is a
404, whatever the URL. Who may do what is asked of ``petitions/access.py``; the workflow refuses
what the user may not do, with the reason. Every page here shows a petitioner's data or files:
``never_cache`` sends ``Cache-Control: no-store, private`` (no copy kept by a shared proxy or
on the office computer's disk).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from petitions import access, feedback, intake, texts, workflow
from petitions.forms.cases import (
    AcceptForm,
    AssignForm,
    CaseForm,
    CommentForm,
    ExtensionForm,
    FeedbackForm,
    ReasonForm,
    RefuseForm,
)
from petitions.forms.letters import ApproveForm, DraftForm, EvidenceNoteForm
from petitions.matters import classify_case
from petitions.models import CLOSED_STATES, Case, State
from petitions.views._forms import form_errors
from petitions.views.casework import CASEWORK_STEPS
from petitions.views.letters import case_papers
from petitions.views.stats import leader_home
from petitions.views.steps import LETTER_STEPS, Step, with_comment
from schedules.models import Finding


def _visible_case(request, pk: int) -> Case:
    cases = Case.objects.visible_to(request.user).select_related(
        "unit", "leader", "leader_in_charge", "duty", "referral_reason", "repeat_of", "created_by"
    )
    return get_object_or_404(cases, pk=pk)


def _require(allowed: bool) -> None:
    """403 unless ``petitions/access.py`` allowed it."""
    if not allowed:
        raise PermissionDenied


# --- Intake -----------------------------------------------------------------------------------


def _token(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


@never_cache
def case_new(request):
    """The desk form; the same form sent twice (a double click) leads to the one case."""
    _require(access.may_register(request.user))
    if request.method == "POST":
        token = _token(request.POST.get("submission_token"))
        existing = intake.registered_with(token)
        if existing is not None:
            messages.info(
                request,
                _("This form was already sent: here is case %(number)s that it registered.")
                % {"number": existing.number},
            )
            return redirect("petitions:detail", pk=existing.pk)
        form = CaseForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = intake.register_case(by=request.user, **form.registration())
            except ValidationError as error:
                form_errors(form, error)
            else:
                case = result.case
                if result.created:
                    classify_case(case, **form.matters(), by=request.user)
                    messages.success(
                        request,
                        _("Case %(number)s was registered. Print the receipt for the petitioner.")
                        % {"number": case.number},
                    )
                for warning in result.warnings:
                    messages.warning(request, warning)
                return redirect("petitions:detail", pk=case.pk)
        form.prepare_refused()
        status = 400
    else:
        now = timezone.localtime().replace(second=0, microsecond=0)
        initial = {"received_at": now, "submission_token": uuid.uuid4()}
        finding = _finding(request.GET.get("finding", ""))
        if finding is not None:
            initial.update(intake.from_finding(finding, now))
        form = CaseForm(initial=initial)
        status = 200
    return render(request, "petitions/case_form.html", {"form": form}, status=status)


def _finding(raw: str) -> Finding | None:
    """The problem found on a visit day named in ``?finding=``, if it exists."""
    if not (raw.isascii() and raw.isdecimal() and len(raw) < 10):
        return None
    return Finding.objects.select_related("record__duty").filter(pk=int(raw)).first()


# --- The steps of the handling ----------------------------------------------------------------


STEPS: dict[str, Step] = {
    "accept": Step(
        AcceptForm,
        lambda c, u, d: workflow.accept_case(
            c, by=u, version=d["version"], category=d["category"], comment=d["comment"]
        ),
        gettext_lazy("The case was accepted."),
    ),
    "refuse": Step(
        RefuseForm,
        lambda c, u, d: workflow.refuse_case(
            c,
            by=u,
            version=d["version"],
            referral_reason=d["referral_reason"],
            referral_note=d["referral_note"],
        ),
        gettext_lazy("The case was recorded as not accepted. Print the notice."),
        "outline-danger",
    ),
    "assign": Step(
        AssignForm,
        lambda c, u, d: workflow.assign_case(
            c, by=u, version=d["version"], unit=d["unit"], instructions=d["instructions"]
        ),
        gettext_lazy("The case was assigned."),
    ),
    "start": Step(
        CommentForm,
        with_comment(workflow.start_handling),
        gettext_lazy("Handling has started."),
    ),
    "note": Step(
        EvidenceNoteForm,
        lambda c, u, d: workflow.add_progress_note(c, by=u, comment=d["comment"], files=d["files"]),
        gettext_lazy("The note was added."),
        "outline-primary",
    ),
    "draft": Step(
        DraftForm,
        lambda c, u, d: workflow.draft_answer(
            c, by=u, version=d["version"], answer=d["answer"], files=d["files"]
        ),
        gettext_lazy("The draft answer was sent to the petition office for approval."),
    ),
    "return": Step(
        ReasonForm,
        with_comment(workflow.return_answer),
        gettext_lazy("The draft was returned to the unit."),
        "outline-danger",
    ),
    "approve": Step(
        ApproveForm,
        lambda c, u, d: workflow.approve_answer(
            c,
            by=u,
            version=d["version"],
            answer=d["answer"],
            issuer=d.get("issuer"),
            files=d["files"],
        ),
        gettext_lazy("The answer was issued. Print it, deliver it, and record the delivery."),
    ),
    "feedback": Step(
        FeedbackForm,
        lambda c, u, d: feedback.record_feedback(
            c, by=u, version=d["version"], satisfaction=d["satisfaction"], comment=d["comment"]
        ),
        gettext_lazy("The feedback was recorded."),
    ),
    "close": Step(
        CommentForm,
        with_comment(workflow.close_case),
        gettext_lazy("The case was closed."),
    ),
    "extension": Step(
        ExtensionForm,
        lambda c, u, d: workflow.request_extension(
            c, by=u, version=d["version"], days=d["days"], reason=d["reason"]
        ),
        gettext_lazy("The extension was requested; an administrator decides."),
        "outline-primary",
    ),
    "approve_extension": Step(
        CommentForm,
        with_comment(workflow.approve_extension),
        gettext_lazy("The extension was approved."),
    ),
    "refuse_extension": Step(
        ReasonForm,
        with_comment(workflow.refuse_extension),
        gettext_lazy("The extension was refused."),
        "outline-danger",
    ),
    "release": Step(
        ReasonForm,
        with_comment(workflow.release_identity),
        gettext_lazy("The petitioner's identity was released to the unit."),
        "outline-warning",
    ),
    **LETTER_STEPS,
    **CASEWORK_STEPS,  # supervision, reply, leader in charge, 初信初访 (views/casework.py)
}


def _status_for(error: ValidationError) -> int:
    """403 for a role refusal, 409 for a state conflict or stale form, 400 for bad input."""
    if hasattr(error, "error_dict"):
        return 400
    codes = {e.code for e in error.error_list}
    if "role" in codes:
        return 403
    if codes & {"state", "stale", "condition"}:
        return 409
    return 400


def _documents(case: Case) -> list[tuple[str, str]]:
    """The printable documents that exist for the case now."""
    docs = [("receipt", _("Receipt"))]
    if case.accepted_at:
        docs.append(("acceptance", _("Acceptance notice")))
    if case.state == State.NOT_ACCEPTED:
        docs.append(("refusal", _("Non-acceptance notice")))
    return docs


def _detail(request, case: Case, *, bound=None, alert=None, unmasked=False, status=200):
    user = request.user
    today = timezone.localdate()
    forms = []
    actions = workflow.allowed_actions(user, case, today)
    # The step most likely next is open; feedback already recorded is rarely changed.
    likely = next((a for a in actions if not (a == "feedback" and case.satisfaction)), None)
    for name in actions:
        step = STEPS[name]
        form = bound[1] if bound and bound[0] == name else step.form(case=case, prefix=name)
        forms.append(
            {
                "name": name,
                "label": workflow.TRANSITIONS[name].label,
                "form": form,
                "style": step.style,
                "open": (bound[0] == name) if bound else name == likely,
            }
        )
    visible = access.linked_cases(user, case)
    related_pks = intake.related_cases(case).values("pk")
    related = visible.filter(pk__in=related_pks).select_related("unit")[:20]
    context = {
        "case": case,
        "today": today,
        "petitioner": access.petitioner(user, case, unmasked=unmasked),
        "may_reveal": access.may_reveal(user) and not unmasked,
        **case_papers(user, case),
        "supervisions": case.supervisions.select_related("leader", "replied_by"),
        "forms": forms,
        "alert": alert,
        "repeat_of": visible.filter(pk=case.repeat_of_id).first() if case.repeat_of_id else None,
        "repeats": visible.filter(repeat_of=case),
        "related": related,
        "documents": _documents(case) if access.may_print(user) else [],
        "texts": texts.case_texts(case) if access.may_see_texts(user) else None,
        "texts_reach": texts.reaches_petitioner(case),
    }
    return render(request, "petitions/case_detail.html", context, status=status)


@never_cache
def case_detail(request, pk: int):
    """Everything the user may see of a case, and the steps they may take."""
    return _detail(request, _visible_case(request, pk))


@never_cache
@require_POST
def case_act(request, pk: int, action: str):
    """One step of the workflow (POST only); a refusal is shown on the page with its reason."""
    case = _visible_case(request, pk)
    step = STEPS.get(action)
    if step is None:
        raise Http404
    form = step.form(request.POST, request.FILES, case=case, prefix=action)
    if form.is_valid():
        try:
            result = step.run(case, request.user, form.cleaned_data)
        except workflow.StaleCase as error:
            fresh = _visible_case(request, pk)
            return _detail(request, fresh, alert=error.messages, status=409)
        except ValidationError as error:
            form_errors(form, error)
            status = _status_for(error)
            if action not in workflow.allowed_actions(request.user, case):
                return _detail(request, case, alert=error.messages, status=status)
            return _detail(request, case, bound=(action, form), status=status)
        else:
            messages.success(request, step.done(result) if callable(step.done) else step.done)
            return redirect("petitions:detail", pk=case.pk)
    return _detail(request, case, bound=(action, form), status=400)


@never_cache
@require_POST
def case_reveal(request, pk: int):
    """The office sees the unmasked ID number, phone and address; the access log records it."""
    case = _visible_case(request, pk)
    _require(access.may_reveal(request.user))
    access.reveal(request, case)
    return _detail(request, case, unmasked=True)


@never_cache
def attachment_download(request, pk: int, attachment_pk: int):
    case = _visible_case(request, pk)
    attachment = get_object_or_404(case.attachments, pk=attachment_pk)
    _require(access.may_see_attachment(request.user, case, attachment))
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


# --- Printable documents ----------------------------------------------------------------------

DOCUMENTS = {
    "receipt": "petitions/print_receipt.html",
    "acceptance": "petitions/print_acceptance.html",
    "refusal": "petitions/print_refusal.html",
}


@never_cache
def case_print(request, pk: int, document: str) -> HttpResponse:
    """A document for the petitioner; unmasked values (``?full=1``) and the query code are
    written to the access log."""
    case = _visible_case(request, pk)
    _require(access.may_print(request.user))
    if document not in DOCUMENTS or document not in dict(_documents(case)):
        raise Http404
    unmasked = request.GET.get("full") == "1"
    # The receipt carries the query code: every print of it is logged.
    access.log_print(request, case, document, unmasked=unmasked or document == "receipt")
    context = {
        "case": case,
        "document": document,
        "petitioner": access.petitioner(request.user, case, unmasked=unmasked),
        "unmasked": unmasked,
        "today": timezone.localdate(),
        "handling_days": settings.HANDLING_DAYS,
        "review_request_days": settings.REVIEW_REQUEST_DAYS,
    }
    if document == "acceptance":
        context["handling_due"] = case.answer_due_at_acceptance()
    if document == "refusal":
        refusal = case.logs.filter(to_state=State.NOT_ACCEPTED).last()
        context["refused_on"] = refusal.at if refusal else case.received_at
    return render(request, DOCUMENTS[document], context)


# --- The receiving leader ---------------------------------------------------------------------


LEADER_PAGE_ROWS = 300  # a leader has a few dozen a year; the register serves longer lists


@never_cache
def leader_cases(request):
    """The cases taken on the leader's duty days, with where each stands (office: all leaders)."""
    user = request.user
    _require(access.may_see_leader_cases(user))
    late = Q(
        supervisions__replied_at__isnull=True,
        supervisions__reply_due__lt=timezone.localdate(),
    )
    cases = (
        access.leader_cases(user)
        .select_related("unit", "leader", "duty")
        .annotate(
            supervision_count=Count("supervisions"),
            last_supervision=Max("supervisions__issued_at"),
            late_replies=Count("supervisions", filter=late),
        )
        .order_by("-received_at", "-id")
    )[:LEADER_PAGE_ROWS]
    open_cases = [c for c in cases if c.state not in CLOSED_STATES]
    context = {
        "cases": cases,
        "leader": getattr(user, "leader", None),
        "open_count": len(open_cases),
        "overdue_count": sum(1 for c in open_cases if c.is_overdue()),
        "today": timezone.localdate(),
        "closed_states": CLOSED_STATES,
        **leader_home(getattr(user, "leader", None), timezone.localdate()),
    }
    return render(request, "petitions/leader_cases.html", context)
