from django.db import models

from gonghui.core.scope import OFFICER_REACH, OFFICERS, ScopedQuerySet, Visibility
from gonghui.core.statemachine import StateHistory


class Ticket(models.Model):
    class State(models.TextChoices):
        NEW = "new", "新建"
        OPEN = "open", "受理"
        CLOSED = "closed", "已关闭"

    union = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=50)
    state = models.CharField(max_length=20, choices=State.choices, default=State.NEW)
    closed_because = models.CharField(max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(tree="union__path", union="union", read=OFFICER_REACH, write=OFFICERS)

    def __str__(self):
        return self.title


class TicketHistory(StateHistory):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="history")

    states = Ticket.State

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(
        tree="ticket__union__path", union="ticket__union", read=OFFICER_REACH, write=OFFICERS
    )
