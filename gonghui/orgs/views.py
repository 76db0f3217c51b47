from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from gonghui.core import scoping
from gonghui.orgs import selectors
from gonghui.orgs.forms import EnterpriseFilterForm


@login_required
def tree(request):
    return render(request, "orgs/tree.html", {"roots": selectors.organisation_tree(request.user)})


@login_required
def organisation_detail(request, code):
    org = scoping.get_or_404(scoping.visible_organisations(request.user).select_related("parent"), code=code)
    return render(request, "orgs/organisation_detail.html", {"org": org, **selectors.union_summary(org)})


@login_required
def enterprise_list(request):
    form = EnterpriseFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    enterprises = selectors.enterprise_list(request.user, **{k: v for k, v in filters.items() if v})
    page = Paginator(enterprises, 50).get_page(request.GET.get("page"))
    return render(request, "orgs/enterprise_list.html", {"form": form, "page": page})


@login_required
def enterprise_detail(request, pk):
    enterprise = scoping.get_or_404(
        scoping.visible_enterprises(request.user).select_related("union", "federation"), pk=pk
    )
    members = scoping.visible_memberships(request.user).active().filter(enterprise=enterprise).count()
    return render(request, "orgs/enterprise_detail.html", {"enterprise": enterprise, "members": members})
