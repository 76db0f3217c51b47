from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.core import calendar_services, workdays
from gonghui.core.calendar_forms import CalendarCorrectionForm, CalendarYearFilterForm
from gonghui.core.forms import run_service
from gonghui.core.models import CalendarDay, CalendarYear
from gonghui.core.scope import get_or_404, scope_of


def _officer_only(request) -> None:
    scope_of(request.user).require("calendar.correct")


def _to_year(year: int):
    return redirect(f"{reverse('core:calendar')}?year={year}")


@login_required
def calendar(request):
    _officer_only(request)
    today = timezone.localdate()
    year_form = CalendarYearFilterForm(request.GET or None)
    year = (year_form.is_valid() and year_form.cleaned_data["year"]) or today.year
    form = CalendarCorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(form, calendar_services.calendar_correct, by=request.user, **data) is not None:
            start, end = data["start"].isoformat(), data["end"].isoformat()
            dates = start if start == end else _("%(start)s至%(end)s") % {"start": start, "end": end}
            kind = CalendarDay.Kind(data["kind"]).label
            messages.success(
                request,
                (
                    _("已录入%(dates)s：%(kind)s %(name)s")
                    % {"dates": dates, "kind": kind, "name": data["name"]}
                ).rstrip(),
            )
            return _to_year(data["start"].year)
    next_year_warning = workdays.next_year_warning(today)
    return render(
        request,
        "core/calendar.html",
        {
            "year": year,
            "year_form": year_form,
            "form": form,
            "entries": workdays.year_entries(year),
            "loaded": workdays.calendar_loaded(year),
            "in_package": year in workdays.PACKAGE_YEARS,
            "confirmation": CalendarYear.objects.filter(year=year).select_related("confirmed_by").first(),
            "year_warning": workdays.provisional_warning(date(year, 1, 1), date(year, 12, 31)),
            "next_year_warning": next_year_warning if year != today.year + 1 else "",
        },
    )


@login_required
@require_POST
def calendar_remove(request, pk):
    _officer_only(request)
    day = get_or_404(CalendarDay.objects.all(), pk=pk)
    calendar_services.calendar_correction_remove(day=day, by=request.user)
    messages.success(request, _("已删除更正：%(day)s") % {"day": day})
    return _to_year(day.date.year)


@login_required
@require_POST
def calendar_year(request, year):
    _officer_only(request)
    try:
        if request.POST.get("loaded") == "1":
            calendar_services.calendar_year_confirm(year=year, by=request.user)
            messages.success(request, _("已确认%(year)d年节假日安排全部录入") % {"year": year})
        else:
            calendar_services.calendar_year_withdraw(year=year, by=request.user)
            messages.success(request, _("已撤销%(year)d年的确认，该年按未录入处理") % {"year": year})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _to_year(year)
