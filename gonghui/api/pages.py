"""The pages of the API: a user's own tokens, and the documentation for staff."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from drf_spectacular.views import SpectacularSwaggerSplitView

from gonghui.api import services
from gonghui.api.forms import TokenForm
from gonghui.api.models import ApiToken
from gonghui.core.forms import run_service
from gonghui.core.scope import OFFICERS, NotInScope, get_or_404, scope_of

_swagger = SpectacularSwaggerSplitView.as_view(url_name="api:schema")


@login_required
def docs(request):
    scope = scope_of(request.user)
    if not (scope.everything or scope.role in OFFICERS):
        raise NotInScope
    return _swagger(request)


@login_required
def token_list(request):
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        result = run_service(
            form, services.token_create, user=request.user, by=request.user, **form.cleaned_data
        )
        if result is not None:
            created = result[1]
            form = TokenForm()
    tokens = ApiToken.objects.visible_to(request.user).filter(user=request.user)
    return render(request, "api/tokens.html", {"form": form, "tokens": tokens, "created": created})


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_or_404(ApiToken.objects.writable_by(request.user).filter(user=request.user), pk=pk)
    if token.revoked_at is None:
        services.token_revoke(token=token, by=request.user)
        messages.success(request, _("令牌已吊销"))
    return redirect("api:tokens")
