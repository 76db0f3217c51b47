from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gonghui.core import keyset
from gonghui.core.forms import run_service
from gonghui.core.scope import get_or_404, scope_of
from gonghui.orgs import selectors, services
from gonghui.orgs.forms import EnterpriseFilterForm, OfficerForm, StandDownForm
from gonghui.orgs.models import Enterprise, Officer, Organisation


@login_required
def tree(request):
    scope_of(request.user).require("orgs.browse")
    return render(request, "orgs/tree.html", {"roots": selectors.organisation_tree(request.user)})


@login_required
def organisation_detail(request, code):
    org = get_or_404(Organisation.objects.visible_to(request.user).select_related("parent"), code=code)
    if not org.is_grassroots:
        page = keyset.page_of(request, selectors.unions_below(org), ["code", "pk"], jump="")
        context = {"org": org, "page": page, **selectors.federation_summary(org)}
        return render(request, "orgs/federation_detail.html", context)
    may_manage = selectors.managed_unions(request.user).filter(pk=org.pk).exists()
    return render(
        request,
        "orgs/organisation_detail.html",
        {"org": org, **selectors.union_summary(org), "may_manage_officers": may_manage},
    )


@login_required
def officer_appoint(request, code):
    union = get_or_404(selectors.managed_unions(request.user), code=code)
    form = OfficerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        officer = run_service(
            form, services.officer_appoint_by_id_number, union=union, by=request.user, **form.cleaned_data
        )
        if officer is not None:
            messages.success(
                request,
                _("已任命%(name)s为%(role)s")
                % {"name": officer.person.name, "role": officer.get_role_display()},
            )
            return redirect("orgs:organisation_detail", code=union.code)
    title = _("任命工会干部：%(union)s") % {"union": union}
    return render(request, "orgs/officer_form.html", {"form": form, "union": union, "title": title})


@login_required
def officer_stand_down(request, pk):
    officer = get_or_404(
        Officer.objects.writable_by(request.user).current().select_related("union", "person"), pk=pk
    )
    form = StandDownForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form, services.officer_stand_down, officer=officer, by=request.user, **form.cleaned_data
        )
    ):
        messages.success(request, _("%(name)s已卸任") % {"name": officer.person.name})
        return redirect("orgs:organisation_detail", code=officer.union.code)
    title = _("卸任：%(role)s %(name)s") % {"role": officer.get_role_display(), "name": officer.person.name}
    return render(request, "orgs/officer_form.html", {"form": form, "union": officer.union, "title": title})


@login_required
def enterprise_list(request):
    scope_of(request.user).require("orgs.browse")
    form = EnterpriseFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    enterprises = selectors.enterprise_list(request.user, **{k: v for k, v in filters.items() if v})
    page = keyset.page_of(request, enterprises, ["name", "pk"])
    return render(request, "orgs/enterprise_list.html", {"form": form, "page": page})


@login_required
def enterprise_detail(request, pk):
    enterprise = get_or_404(
        Enterprise.objects.visible_to(request.user).select_related("union", "federation"), pk=pk
    )
    return render(
        request,
        "orgs/enterprise_detail.html",
        {"enterprise": enterprise, "members": enterprise.memberships.active().count()},
    )
