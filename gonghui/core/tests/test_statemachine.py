"""The one transition function (gonghui.core.statemachine), on a workflow of its own: a ticket that
an officer of its union opens, closes with the reason, and only federation staff re-open."""

import multiprocessing

import pytest
from django.core.exceptions import ValidationError
from django.db import connections, transaction

from gonghui.core.models import AuditLog
from gonghui.core.roles import Role
from gonghui.core.scope import NotInScope
from gonghui.core.statemachine import Machine, Move, Who, holding, transition
from gonghui.core.tests.workflow.models import Ticket, TicketHistory

S = Ticket.State
fork = multiprocessing.get_context("fork")


def _not_blocked(ticket, context):
    if ticket.title == "blocked":
        raise ValidationError({"title": "该工单被挂起，不能关闭"})


def _keep_reason(ticket, context):
    ticket.closed_because = context.note


MACHINE = Machine(
    model=Ticket,
    history=TicketHistory,
    subject="ticket",
    noun="工单",
    field="state",
    moves=(
        Move("ticket.open", "受理", (S.NEW,), S.OPEN),
        Move(
            "ticket.close",
            "关闭",
            (S.OPEN,),
            S.CLOSED,
            reason="关闭原因",
            guard=_not_blocked,
            effect=_keep_reason,
        ),
        Move(
            "ticket.reopen",
            "重新受理",
            (S.CLOSED,),
            S.OPEN,
            Who("总工会工作人员", lambda scope, ticket: scope.role == Role.FEDERATION_STAFF),
        ),
        Move("ticket.note", "备注", (S.OPEN, S.CLOSED), None, holding("no.such.capability", "无人")),
    ),
)


@pytest.fixture
def ticket(union_a):
    return Ticket.objects.create(union=union_a, title="食堂排队")


def _nothing_saved(ticket, state=S.NEW):
    ticket.refresh_from_db()
    assert ticket.state == state and ticket.closed_because == ""
    assert not TicketHistory.objects.filter(ticket=ticket, to_state__in=[S.CLOSED]).exists()
    assert not AuditLog.objects.filter(action="ticket.close").exists()


def test_a_move_writes_the_state_its_history_and_its_audit_row(ticket, admin_a):
    moved, step = transition(MACHINE, ticket, "ticket.open", by=admin_a)
    assert moved.state == S.OPEN and Ticket.objects.get(pk=ticket.pk).state == S.OPEN
    moved, step = transition(MACHINE, moved, S.CLOSED, by=admin_a, note=" 已解决 ")
    assert moved.closed_because == "已解决"
    assert list(
        ticket.history.order_by("id").values_list("from_state", "to_state", "by", "by_name", "note")
    ) == [
        (S.NEW, S.OPEN, admin_a.pk, "admin-a", ""),
        (S.OPEN, S.CLOSED, admin_a.pk, "admin-a", "已解决"),
    ]
    assert (step.from_label, step.to_label) == ("受理", "已关闭")
    log = AuditLog.objects.get(action="ticket.close")
    assert (log.actor_id, log.object_id, log.detail) == (
        admin_a.pk,
        str(ticket.pk),
        {"from": "open", "to": "closed"},
    )


def test_a_move_the_state_does_not_allow_is_refused_naming_the_state(ticket, admin_a):
    with pytest.raises(ValidationError) as error:
        transition(MACHINE, ticket, "ticket.close", by=admin_a, note="重复")
    assert error.value.message_dict["state"] == ["工单当前为“新建”，不能关闭；可办理：受理"]
    with pytest.raises(ValidationError) as error:
        transition(MACHINE, ticket, "ticket.vanish", by=admin_a)
    assert error.value.message_dict["state"] == ["未知的办理事项：ticket.vanish"]
    _nothing_saved(ticket)
    assert not TicketHistory.objects.exists() and not AuditLog.objects.exists()


def test_the_wrong_actor_is_refused(ticket, admin_a, admin_b, officer, worker):
    for outsider in (admin_b, worker):
        with pytest.raises(NotInScope):
            transition(MACHINE, ticket, "ticket.open", by=outsider)
    transition(MACHINE, ticket, "ticket.open", by=admin_a)
    transition(MACHINE, ticket, "ticket.close", by=admin_a, note="已解决")
    with pytest.raises(ValidationError) as error:
        transition(MACHINE, ticket, "ticket.reopen", by=admin_a)
    assert error.value.message_dict["state"] == ["重新受理须由总工会工作人员办理"]
    with pytest.raises(ValidationError) as error:
        transition(MACHINE, ticket, "ticket.note", by=officer)
    assert error.value.message_dict["state"] == ["备注须由无人办理"]
    assert transition(MACHINE, ticket, "ticket.reopen", by=officer)[0].state == S.OPEN


def test_a_missing_reason_or_a_guard_refuses_and_nothing_is_half_saved(ticket, admin_a):
    ticket, _step = transition(MACHINE, ticket, "ticket.open", by=admin_a)
    with pytest.raises(ValidationError) as error:
        transition(MACHINE, ticket, "ticket.close", by=admin_a, note="  ")
    assert error.value.message_dict["note"] == ["请填写关闭原因"]
    Ticket.objects.filter(pk=ticket.pk).update(title="blocked")
    with pytest.raises(ValidationError) as error, transaction.atomic():
        transition(MACHINE, ticket, "ticket.close", by=admin_a, note="已解决", changes={"title": "changed"})
    assert error.value.message_dict["title"] == ["该工单被挂起，不能关闭"]
    _nothing_saved(ticket, S.OPEN)
    assert Ticket.objects.get(pk=ticket.pk).title == "blocked"


def _open(ticket_pk, user, start, answers):
    try:
        start.wait(timeout=30)
        transition(MACHINE, Ticket.objects.get(pk=ticket_pk), "ticket.open", by=user)
        answers.put("moved")
    except ValidationError as error:
        answers.put(" ".join(error.messages))
    except Exception as error:  # noqa: BLE001 (reported to the test, which fails on it)
        answers.put(f"error: {error!r}")
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_two_transitions_at_once_make_exactly_one_move(union_a, admin_a, officer):
    """Two processes with their own connections (SQLite and PostgreSQL): the row lock lets one move;
    the other reads the state the first left and is refused."""
    ticket = Ticket.objects.create(union=union_a, title="食堂排队")
    connections.close_all()
    start, answers = fork.Barrier(2), fork.Queue()
    processes = [
        fork.Process(target=_open, args=(ticket.pk, who, start, answers)) for who in (admin_a, officer)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=60)
    got = sorted(answers.get(timeout=5) for _ in processes)
    assert got[0] == "moved", got
    assert got[1].startswith("工单当前为“受理”，不能受理"), got
    assert TicketHistory.objects.filter(ticket_id=ticket.pk).count() == 1
    assert AuditLog.objects.filter(action="ticket.open").count() == 1
