from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.core import keyset
from gonghui.core.forms import run_service
from gonghui.core.scope import get_or_404, scope_of
from gonghui.members import selectors, services
from gonghui.members.forms import JoinForm, LeaveForm, MemberFilterForm, TransferForm
from gonghui.members.models import Membership, Person
from gonghui.orgs.models import Enterprise
from gonghui.orgs.selectors import managed_unions


@login_required
def member_list(request):
    scope_of(request.user).require("members.roster")
    form = MemberFilterForm(request.GET or None)
    filters = {k: v for k, v in (form.cleaned_data if form.is_valid() else {}).items() if v}
    search = selectors.member_search(request.user, **filters)
    page = selectors.member_page(
        search, cursor=request.GET.get(keyset.CURSOR_PARAM), jump=request.GET.get(keyset.JUMP_PARAM)
    )
    total = None if filters.get("q") else selectors.member_count(request.user, search=search, **filters)
    template = "members/list_rows.html" if request.htmx else "members/list.html"
    jumps = [] if filters.get("q") else [(letter.upper(), letter) for letter in selectors.LETTERS]
    context = {"form": form, "page": page, "total": total, "hint": search.hint, "jumps": jumps}
    return render(request, template, context)


def _render_detail(request, person, revealed_id=None):
    history = list(selectors.person_history(person))
    manageable = set(managed_unions(request.user).values_list("pk", flat=True))
    active = next((m for m in history if m.is_active and m.union_id in manageable), None)
    return render(
        request,
        "members/detail.html",
        {
            "person": person,
            "history": history,
            "active": active,
            "revealed_id": revealed_id,
            "may_reveal": scope_of(request.user).can("members.reveal_id"),
        },
    )


@login_required
def person_detail(request, pk):
    return _render_detail(request, get_or_404(Person.objects.visible_to(request.user), pk=pk))


@login_required
@require_POST
def reveal_id(request, pk):
    scope_of(request.user).require("members.reveal_id")
    person = get_or_404(Person.objects.visible_to(request.user), pk=pk)
    number = services.person_reveal_id(person=person, by=request.user)
    if request.htmx:
        return render(request, "members/id_number.html", {"revealed_id": number})
    return _render_detail(request, person, revealed_id=number)


@login_required
def join(request):
    unions = managed_unions(request.user)
    if not unions.exists():
        raise Http404
    form = JoinForm(
        request.POST or None,
        unions=unions,
        enterprises=Enterprise.objects.visible_to(request.user).filter(union__in=unions),
    )
    if request.method == "POST" and form.is_valid():
        membership = run_service(form, services.member_join, by=request.user, **form.cleaned_data)
        if membership is not None:
            messages.success(request, _("%(name)s已登记入会") % {"name": membership.person.name})
            return redirect("members:detail", pk=membership.person_id)
    return render(request, "members/join.html", {"form": form})


def _active_membership_or_404(user, pk):
    return get_or_404(Membership.objects.writable_by(user).active().select_related("person", "union"), pk=pk)


@login_required
def transfer(request, pk):
    membership = _active_membership_or_404(request.user, pk)
    targets = selectors.transfer_targets(request.user).exclude(pk=membership.union_id)
    form = TransferForm(
        request.POST or None, targets=targets, enterprises=selectors.transfer_enterprises(targets)
    )
    if request.method == "POST" and form.is_valid():
        new = run_service(
            form, services.member_transfer, membership=membership, by=request.user, **form.cleaned_data
        )
        if new is not None:
            messages.success(request, _("已转入%(union)s") % {"union": new.union})
            return redirect("members:detail", pk=membership.person_id)
    return render(request, "members/transfer.html", {"form": form, "membership": membership})


@login_required
def leave(request, pk):
    membership = _active_membership_or_404(request.user, pk)
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        left = run_service(
            form, services.member_leave, membership=membership, by=request.user, **form.cleaned_data
        )
        if left is not None:
            messages.success(request, _("已办理退会"))
            return redirect("members:detail", pk=membership.person_id)
    return render(request, "members/leave.html", {"form": form, "membership": membership})


@login_required
def me(request):
    if request.user.person_id is None:
        raise Http404
    person = request.user.person
    return render(request, "members/me.html", {"person": person, "history": selectors.person_history(person)})
