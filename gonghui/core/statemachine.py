"""The one state machine of every workflow (a claim, a nomination, a case, a founding, an event).

An app declares its workflow as data: a Machine naming the model, its state field and its history
model, and the Moves — from which states to which, who may make each (a test of the actor's Scope),
what the note must say when one is required, an app-specific guard and effect. transition() is the
one way such a row changes state: in one transaction it locks the row, checks that the actor reaches
it (NotInScope otherwise) and may make the move from its state, applies the move, and writes the
history row and the audit row. A refused move raises a ValidationError in Chinese naming the state
and the reason, and saves nothing.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.audit import audit_record
from gonghui.core.scope import NotInScope, Scope, scope_of


@dataclass(frozen=True)
class Who:
    """Who may make a move: named in the refusal, and tested against the actor's scope and the row."""

    label: str
    test: Callable[[Scope, Any], bool]


def holding(capability: str, label: str) -> Who:
    """Those whose role holds the capability (gonghui.core.registry.capabilities)."""
    return Who(label, lambda scope, row: scope.can(capability))


@dataclass
class Context:
    """What a guard and an effect see: the actor, the move, the note, the day and the app's data."""

    by: Any
    scope: Scope
    move: "Move"
    note: str
    on: date | None
    data: dict
    history: dict  # extra fields of the history row, which an effect may add to


@dataclass(frozen=True)
class Move:
    """One move: its name (the audit action), the button's label, the states it leaves, the state it
    leads to (None: the row keeps its state, the move is recorded all the same), who may make it,
    what the note must say when it is required, a guard (raises ValidationError to refuse) and an
    effect on the row beyond its state (both called with the locked row and the Context)."""

    name: str
    label: str
    sources: tuple[str, ...]
    target: str | None
    who: Who | None = None  # None: whoever the machine lets reach the row
    reason: str | None = None
    guard: Callable[[Any, Context], None] | None = None
    effect: Callable[[Any, Context], None] | None = None


class Machine:
    """A workflow: its model and state field, its history model and the history's link to the row,
    and its moves. reach(scope, row) says whether the actor may act on the row at all (default: the
    model's writable_by); guard(row, context) runs before every move; explain(row, move) may give
    the app's own words for a move the row's state does not allow (None: the usual words); field is
    where refusals go (None: not attached to a field); noun names the row in refusals (申请, 案件…)."""

    def __init__(
        self,
        *,
        model: type[models.Model],
        history: type["StateHistory"],
        subject: str,
        moves: Iterable[Move],
        noun: str,
        state: str = "state",
        field: str | None = None,
        reason_field: str = "note",
        reach: Callable[[Scope, Any], bool] | None = None,
        guard: Callable[[Any, Context], None] | None = None,
        explain: Callable[[Any, Move], str | None] | None = None,
        related: tuple[str, ...] = (),
    ):
        self.model, self.history, self.subject = model, history, subject
        self.moves = tuple(moves)
        self.noun, self.state, self.field, self.reason_field = noun, state, field, reason_field
        self.reach, self.guard, self.explain, self.related = reach, guard, explain, related

    def state_label(self, value: str) -> str:
        return str(dict(self.model._meta.get_field(self.state).choices).get(value, value))

    def moves_from(self, state: str) -> list[Move]:
        return [move for move in self.moves if state in move.sources]

    def targets_from(self, state: str) -> list[str]:
        return list(dict.fromkeys(m.target for m in self.moves_from(state) if m.target is not None))

    def find(self, row, key: str) -> Move:
        """The move named `key` (or leading to the state `key`) that the row's state allows."""
        state = getattr(row, self.state)
        candidates = [m for m in self.moves if key in (m.name, m.target)]
        if not candidates:
            self.refuse(_("未知的办理事项：%(key)s") % {"key": key}, "unknown_move")
        move = next((m for m in candidates if state in m.sources), None)
        if move is None and self.explain is not None and (words := self.explain(row, candidates[0])):
            self.refuse(words, "bad_move")
        if move is None:
            allowed = "、".join(str(m.label) for m in self.moves_from(state)) or _("无")
            self.refuse(
                _("%(noun)s当前为“%(state)s”，不能%(move)s；可办理：%(allowed)s")
                % {
                    "noun": self.noun,
                    "state": self.state_label(state),
                    "move": candidates[0].label,
                    "allowed": allowed,
                },
                "bad_move",
            )
        return move

    def refuse(self, message: str, code: str):
        error = ValidationError(message, code=code)
        raise ValidationError({self.field: error}) if self.field else error

    def reaches(self, scope: Scope, row) -> bool:
        if self.reach is not None:
            return self.reach(scope, row)
        return self.model.objects.writable_by(scope).filter(pk=row.pk).exists()


def _user(by):
    """The user to keep on a history row: None for a SystemActor (its name is kept)."""
    return by if getattr(by, "pk", None) is not None else None


def transition(
    machine: Machine,
    row,
    key: str,
    *,
    by,
    note: str = "",
    on: date | None = None,
    data: dict | None = None,
    changes: dict | None = None,
    history: dict | None = None,
    audit_detail: dict | None = None,
):
    """Makes the move `key` (a move's name, or the state it leads to) on the row, for `by`.

    changes: fields set on the locked row with the move; data: what the move's guard and effect
    read; history, audit_detail: more for the history row and the audit row's detail. Returns the locked, saved row and its history row."""
    with transaction.atomic():
        scope = scope_of(by)
        queryset = machine.model.objects.select_for_update(of=("self",)).select_related(*machine.related)
        try:
            row = queryset.get(pk=row.pk)
        except machine.model.DoesNotExist:
            raise NotInScope from None
        if not machine.reaches(scope, row):
            raise NotInScope
        move = machine.find(row, key)
        if move.who is not None and not move.who.test(scope, row):
            machine.refuse(
                _("%(move)s须由%(who)s办理") % {"move": move.label, "who": move.who.label}, "not_yours"
            )
        note = (note or "").strip()
        if move.reason and not note:
            raise ValidationError(
                {
                    machine.reason_field: ValidationError(
                        _("请填写%(what)s") % {"what": move.reason}, code="required"
                    )
                }
            )
        context = Context(
            by=by, scope=scope, move=move, note=note, on=on, data=data or {}, history=dict(history or {})
        )
        if machine.guard is not None:
            machine.guard(row, context)
        if move.guard is not None:
            move.guard(row, context)
        before = getattr(row, machine.state)
        for name, value in (changes or {}).items():
            setattr(row, name, value)
        if move.effect is not None:
            move.effect(row, context)
        if move.target is not None:
            setattr(row, machine.state, move.target)
        row.save()
        after = getattr(row, machine.state)
        record = machine.history.objects.create(
            **{machine.subject: row},
            from_state=before,
            to_state=after,
            by=_user(by),
            by_name=by.get_username(),
            note=context.history.pop("note", note),
            **context.history,
        )
        audit_record(
            actor=by,
            action=move.name,
            obj=row,
            detail={"from": before, "to": after, **(audit_detail or {})},
        )
    return row, record


class StateHistory(models.Model):
    """A workflow's history: one row per move, from which state to which, who made it, when, the note.
    Each app's history model inherits it, adds the link to its row (and what else it records) and
    names its states (a TextChoices) as `states`."""

    states: type[models.TextChoices]

    from_state = models.CharField(gettext_lazy("原状态"), max_length=20, blank=True)
    to_state = models.CharField(gettext_lazy("新状态"), max_length=20)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("经办人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    by_name = models.CharField(gettext_lazy("经办人"), max_length=150, blank=True)
    at = models.DateTimeField(gettext_lazy("时间"), default=timezone.now)
    note = models.TextField(gettext_lazy("说明"), blank=True)

    class Meta:
        abstract = True

    @property
    def from_label(self) -> str:
        return self.states(self.from_state).label if self.from_state else ""

    @property
    def to_label(self) -> str:
        return self.states(self.to_state).label
