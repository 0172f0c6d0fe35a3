"""The casework beside the steps (petitions/casework.py): a leader's supervision (督办) with a
reply date, the unit's reply and late replies flagged to the leader; the leader in charge of a
case (领导包案); and 初信初访, found at intake and corrected by the office. Each from the side of
who may and who may not."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from accounts.access import grant_role_permissions
from petitions import casework, workflow
from petitions.models import Case, CaseLog, Classification, State, Supervision
from tests.factories import at, code_of, make_unit, register, walk

LATER = datetime.date(2099, 1, 8)


@pytest.fixture
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def assigned(walker, reception_case) -> Case:
    """Taken on 厚春华's reception day, assigned to 双塔分局 (``unit_handler``'s unit)."""
    return walker(reception_case, State.ASSIGNED)


def detail(case: Case) -> str:
    return reverse("petitions:detail", args=[case.pk])


def act(case: Case, action: str) -> str:
    return reverse("petitions:act", args=[case.pk, action])


def supervise_form(text: str = "请本周内报告进展", due: str = "2099-01-08") -> dict:
    return {"supervise-comment": text, "supervise-reply_due": due}


# --- Supervision with a reply date ---------------------------------------------------------------


def test_an_instruction_is_stored_with_its_reply_date(client_of, english, leader_user, assigned):
    response = client_of(leader_user).post(act(assigned, "supervise"), supervise_form())
    assert response.status_code == 302
    supervision = Supervision.objects.get(case=assigned)
    assert (supervision.instruction, supervision.reply_due) == ("请本周内报告进展", LATER)
    assert supervision.leader.name == "厚春华"


def test_a_reply_date_in_the_past_is_refused(client_of, english, leader_user, assigned):
    with time_machine.travel(at(2025, 5, 6)):
        response = client_of(leader_user).post(
            act(assigned, "supervise"), supervise_form(due="2025-05-05")
        )
    assert response.status_code == 400
    assert "cannot be in the past" in response.content.decode()
    assert not Supervision.objects.exists()


def test_the_confirmation_names_the_unit_that_was_mailed(
    client_of, english, leader_user, assigned, django_capture_on_commit_callbacks, run_jobs
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(leader_user).post(
            act(assigned, "supervise"), supervise_form(), follow=True
        )
    page = response.content.decode()
    assert "mailed to 双塔分局" in page and "2099-01-08" in page
    run_jobs()
    told = [m for m in mail.outbox if "2099-01-08" in m.body]  # not the assignment's mail
    assert [m.to for m in told] == [["shuangta@example.org"]]


def test_before_assignment_the_confirmation_says_no_unit_was_told(
    client_of,
    english,
    clerk,
    leader_user,
    walker,
    reception_case,
    django_capture_on_commit_callbacks,
):
    accepted = walker(reception_case, State.ACCEPTED)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(leader_user).post(
            act(accepted, "supervise"), supervise_form(), follow=True
        )
    page = response.content.decode()
    assert "No unit handles the case yet" in page
    assert "mailed to" not in page and "sent to the unit" not in page
    assert mail.outbox == []


def test_a_unit_without_an_address_is_told_on_its_worklist_only(
    client_of, english, clerk, leader_user, unit_handler, reception_case
):
    quiet = make_unit("龙城分局", unit_handler)  # no address, and its member has none either
    unit_handler.email = ""
    unit_handler.save()
    case = workflow.assign_case(
        workflow.accept_case(reception_case, by=clerk), by=clerk, unit=quiet
    )
    response = client_of(leader_user).post(act(case, "supervise"), supervise_form(), follow=True)
    assert "is on the worklist of 龙城分局" in response.content.decode()


def test_the_unit_replies_on_the_case_and_the_leader_is_told(
    client_of, leader_user, unit_handler, assigned, django_capture_on_commit_callbacks, run_jobs
):
    instruction = casework.add_supervision(
        assigned, by=leader_user, comment="请报告进展"
    ).supervision
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(unit_handler).post(
            act(assigned, "reply"),
            {"reply-supervision": instruction.pk, "reply-reply": "已完成现场核查，正在整改。"},
        )
    assert response.status_code == 302
    instruction.refresh_from_db()
    assert instruction.reply == "已完成现场核查，正在整改。"
    assert (instruction.replied_by, instruction.is_answered) == (unit_handler, True)
    assert assigned.logs.filter(action=CaseLog.Action.SUPERVISION_REPLY, by=unit_handler).exists()
    run_jobs()
    assert mail.outbox[-1].to == [leader_user.email]


@pytest.mark.parametrize(
    ("person", "status"),
    [("clerk", 403), ("leader_user", 403), ("other_handler", 404), ("stranger", 404)],
)
def test_only_the_cases_unit_replies(request, client_of, leader_user, assigned, person, status):
    instruction = casework.add_supervision(
        assigned, by=leader_user, comment="请报告进展"
    ).supervision
    response = client_of(request.getfixturevalue(person)).post(
        act(assigned, "reply"), {"reply-supervision": instruction.pk, "reply-reply": "答复"}
    )
    assert response.status_code == status
    instruction.refresh_from_db()
    assert not instruction.is_answered


def test_a_reply_with_nothing_waiting_is_refused(unit_handler, assigned):
    with pytest.raises(ValidationError) as refused:
        casework.reply_to_supervision(assigned, by=unit_handler, reply="答复")
    assert code_of(refused.value) == "condition"


def test_an_instruction_answered_meanwhile_is_not_answered_twice(
    leader_user, unit_handler, assigned
):
    first = casework.add_supervision(assigned, by=leader_user, comment="第一次督办").supervision
    casework.add_supervision(assigned, by=leader_user, comment="第二次督办")
    casework.reply_to_supervision(assigned, by=unit_handler, reply="答复一", supervision=first)
    with pytest.raises(ValidationError) as refused:
        casework.reply_to_supervision(assigned, by=unit_handler, reply="答复二", supervision=first)
    assert code_of(refused.value) == "stale"
    first.refresh_from_db()
    assert first.reply == "答复一"


def test_the_case_page_marks_a_late_reply(client_of, english, leader_user, unit_handler, assigned):
    with time_machine.travel(at(2025, 5, 6)):
        casework.add_supervision(
            assigned, by=leader_user, comment="请报告进展", reply_due=datetime.date(2025, 5, 9)
        )
    with time_machine.travel(at(2025, 5, 12)):
        page = client_of(unit_handler).get(detail(assigned)).content.decode()
    assert 'data-reply="overdue"' in page and "Reply overdue since 2025-05-09" in page


def test_the_leader_is_mailed_the_late_replies_each_day(leader_user, assigned, run_jobs):
    with time_machine.travel(at(2025, 5, 6)):
        casework.add_supervision(
            assigned, by=leader_user, comment="请报告进展", reply_due=datetime.date(2025, 5, 9)
        )
    with time_machine.travel(at(2025, 5, 9)):
        call_command("sendreminders", "--date", "2025-05-09", stdout=io.StringIO())
        run_jobs()
    assert not any(leader_user.email in m.to for m in mail.outbox)  # due today: not late yet
    with time_machine.travel(at(2025, 5, 10)):
        call_command("sendreminders", "--date", "2025-05-10", stdout=io.StringIO())
        run_jobs()
    late = [m for m in mail.outbox if m.to == [leader_user.email]]
    assert len(late) == 1 and assigned.number in late[0].body


def test_a_reply_given_in_time_is_not_reminded(leader_user, unit_handler, assigned):
    with time_machine.travel(at(2025, 5, 6)):
        casework.add_supervision(
            assigned, by=leader_user, comment="请报告进展", reply_due=datetime.date(2025, 5, 9)
        )
        casework.reply_to_supervision(assigned, by=unit_handler, reply="已整改")
    call_command("sendreminders", "--date", "2025-05-20", stdout=io.StringIO())
    assert not any(m.to == [leader_user.email] for m in mail.outbox)


# --- The leader in charge (领导包案) -----------------------------------------------------------


def test_the_receiving_leader_takes_charge_and_the_case_shows_it(
    client_of, english, leader_user, assigned
):
    client = client_of(leader_user)
    response = client.post(act(assigned, "take_charge"), {"take_charge-version": assigned.version})
    assert response.status_code == 302
    page = client.get(detail(assigned)).content.decode()
    assert 'id="case-leader-in-charge">厚春华（局长）' in page
    assert assigned.logs.filter(action=CaseLog.Action.CHARGE, by=leader_user).exists()


def test_a_leader_cannot_take_over_a_case_another_leader_is_in_charge_of(
    clerk, leader_user, other_leader, assigned
):
    assigned = casework.put_in_charge(assigned, by=clerk, leader=other_leader.leader)
    with pytest.raises(ValidationError) as refused:
        casework.take_charge(assigned, by=leader_user)
    assert code_of(refused.value) == "condition"
    assert Case.objects.get(pk=assigned.pk).leader_in_charge == other_leader.leader


def test_a_leader_put_in_charge_sees_the_case_and_is_told(
    client_of, clerk, other_leader, assigned, django_capture_on_commit_callbacks, run_jobs
):
    assert client_of(other_leader).get(detail(assigned)).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(clerk).post(
            act(assigned, "charge"),
            {"charge-version": assigned.version, "charge-leader": other_leader.leader.pk},
        )
    assert response.status_code == 302
    assert client_of(other_leader).get(detail(assigned)).status_code == 200
    run_jobs()
    assert mail.outbox[-1].to == [other_leader.email]


def test_the_leader_in_charge_may_supervise(clerk, other_leader, assigned):
    assigned = casework.put_in_charge(assigned, by=clerk, leader=other_leader.leader)
    instruction = casework.add_supervision(assigned, by=other_leader, comment="包案领导督办")
    assert instruction.supervision.leader == other_leader.leader


def test_ending_the_charge_takes_the_case_from_that_leader(
    client_of, clerk, other_leader, assigned
):
    assigned = casework.put_in_charge(assigned, by=clerk, leader=other_leader.leader)
    casework.put_in_charge(assigned, by=clerk, leader=None, comment="已办结移交")
    assert Case.objects.get(pk=assigned.pk).leader_in_charge is None
    assert client_of(other_leader).get(detail(assigned)).status_code == 404


def test_no_leader_takes_charge_of_an_accusation(clerk, leader):
    accusation = register(clerk, classification=Classification.ACCUSATION)
    with pytest.raises(ValidationError) as refused:
        casework.put_in_charge(accusation, by=clerk, leader=leader)
    assert code_of(refused.value) == "condition"
    assert Case.objects.get(pk=accusation.pk).leader_in_charge is None


@pytest.mark.parametrize("person", ["unit_handler", "leader_user", "stranger"])
def test_only_the_office_puts_a_leader_in_charge(request, person, other_leader, assigned):
    with pytest.raises(ValidationError) as refused:
        casework.put_in_charge(
            assigned, by=request.getfixturevalue(person), leader=other_leader.leader
        )
    assert code_of(refused.value) == "role"


def test_a_unit_cannot_take_charge(unit_handler, assigned):
    with pytest.raises(ValidationError) as refused:
        casework.take_charge(assigned, by=unit_handler)
    assert code_of(refused.value) == "role"


# --- 初信初访 -------------------------------------------------------------------------------


def test_a_petitioners_first_case_is_a_first_petition(clerk):
    assert register(clerk).is_first_petition


def test_the_same_matter_again_is_not_a_first_petition_even_once_resolved(
    clerk, unit, unit_handler
):
    with time_machine.travel(at(2025, 3, 3)):
        earlier = register(clerk)
        walk(earlier, State.CLOSED, office=clerk, unit_user=unit_handler, unit=unit)
    with time_machine.travel(at(2025, 6, 3)):
        again = register(clerk)
    assert (again.is_repeat, again.is_first_petition) == (False, False)


def test_the_same_petitioner_on_another_matter_is_a_first_petition(clerk, unit, unit_handler):
    with time_machine.travel(at(2025, 3, 3)):
        earlier = register(clerk)
        walk(earlier, State.CLOSED, office=clerk, unit_user=unit_handler, unit=unit)
    with time_machine.travel(at(2025, 6, 3)):
        other = register(clerk, location="燕北路搅拌站", title="搅拌站粉尘")
    assert other.is_first_petition


def test_a_repeat_petition_is_not_a_first_petition(clerk):
    with time_machine.travel(at(2025, 3, 3)):
        register(clerk)
    with time_machine.travel(at(2025, 3, 10)):
        repeat = register(clerk, petitioner_phone="+8613900139000", petitioner_id_number="")
    assert repeat.is_repeat and not repeat.is_first_petition


def test_the_office_corrects_the_mark_with_a_reason(client_of, english, clerk):
    case = register(clerk)
    response = client_of(clerk).post(
        act(case, "first_petition"),
        {
            "first_petition-version": case.version,
            "first_petition-first": "0",
            "first_petition-comment": "信访人曾于2023年来信反映同一问题",
        },
    )
    assert response.status_code == 302
    assert not Case.objects.get(pk=case.pk).is_first_petition
    entry = case.logs.get(action=CaseLog.Action.FIRST_PETITION)
    assert "2023" in entry.comment and entry.by == clerk


def test_a_correction_without_a_reason_is_refused(client_of, english, clerk):
    case = register(clerk)
    response = client_of(clerk).post(
        act(case, "first_petition"),
        {"first_petition-version": case.version, "first_petition-first": "0"},
    )
    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).is_first_petition


def test_marking_what_is_already_marked_is_refused(clerk):
    case = register(clerk)
    with pytest.raises(ValidationError) as refused:
        casework.set_first_petition(case, by=clerk, first=True, comment="核对")
    assert "first" in refused.value.error_dict


@pytest.mark.parametrize("person", ["unit_handler", "leader_user"])
def test_only_the_office_corrects_the_mark(request, person, assigned):
    with pytest.raises(ValidationError) as refused:
        casework.set_first_petition(
            assigned, by=request.getfixturevalue(person), first=False, comment="核对"
        )
    assert code_of(refused.value) == "role"


def test_the_case_page_shows_the_first_petition_badge(client_of, english, clerk):
    case = register(clerk)
    assert 'id="case-first-petition"' in client_of(clerk).get(detail(case)).content.decode()


def test_the_leaders_page_counts_instructions_and_flags_late_replies(
    client_of, english, leader_user, assigned
):
    with time_machine.travel(at(2025, 5, 6)):
        casework.add_supervision(
            assigned, by=leader_user, comment="请报告进展", reply_due=datetime.date(2025, 5, 9)
        )
    with time_machine.travel(at(2025, 5, 12)):
        page = client_of(leader_user).get(reverse("petitions:leader")).content.decode()
    assert "1 instruction, last 2025-05-06" in page and "1 reply late" in page


def test_administrators_read_instructions_and_replies_in_the_admin(
    client_of, administrator, leader_user, unit_handler, assigned
):
    grant_role_permissions(sender=None)
    casework.add_supervision(assigned, by=leader_user, comment="请报告进展")
    casework.reply_to_supervision(assigned, by=unit_handler, reply="已整改完毕")
    client = client_of(administrator)
    listing = client.get(reverse("admin:petitions_supervision_changelist"))
    assert listing.status_code == 200 and assigned.number in listing.content.decode()
    change = client.get(reverse("admin:petitions_case_change", args=[assigned.pk]))
    assert "包案领导" in change.content.decode()  # the field is shown (in the default language)
    assert client.post(reverse("admin:petitions_supervision_add")).status_code == 403
