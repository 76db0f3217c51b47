from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.academy import selectors, services
from gonghui.academy.forms import (
    AttendanceForm,
    CancelForm,
    CertificateFilterForm,
    ClassForm,
    CompletionForm,
    CourseFilterForm,
    CourseForm,
    PartnerForm,
    RevokeForm,
    SessionForm,
)
from gonghui.academy.models import Certificate, Course, Enrolment, Partner, Session, TrainingClass
from gonghui.activities.forms import MemberKeyForm
from gonghui.activities.selectors import person_by_key
from gonghui.core import keyset
from gonghui.core.audit import audit_record
from gonghui.core.forms import run_service
from gonghui.core.pdf import render_pdf
from gonghui.core.qr import qr_svg
from gonghui.core.scope import NotInScope, get_or_404, scope_of


def _filters(form) -> dict:
    return {k: v for k, v in form.cleaned_data.items() if v} if form.is_valid() else {}


def _federations_or_404(user):
    federations = selectors.academy_federations(user)
    if not federations.exists():
        raise Http404
    return federations


# --- partners and courses ---


@login_required
def partner_list(request):
    scope_of(request.user).require("academy.read")
    federations = selectors.academy_federations(request.user)
    form = PartnerForm(request.POST or None, federations=federations) if federations.exists() else None
    if request.method == "POST" and form is not None and form.is_valid():
        partner = run_service(form, services.partner_create, by=request.user, **form.cleaned_data)
        if partner is not None:
            messages.success(request, _("已登记合作单位：%(name)s") % {"name": partner.name})
            return redirect("academy:partner_list")
    return render(
        request, "academy/partner_list.html", {"partners": selectors.partner_list(request.user), "form": form}
    )


@login_required
def course_list(request):
    scope = scope_of(request.user)
    scope.require("academy.read")
    form = CourseFilterForm(request.GET or None)
    page = keyset.page_of(
        request, selectors.course_list(request.user, **_filters(form)), ["craft", "title", "pk"], jump=""
    )
    return render(
        request,
        "academy/course_list.html",
        {"form": form, "page": page, "manages": scope.can("academy.manage")},
    )


@login_required
def course_create(request):
    federations = _federations_or_404(request.user)
    partners = Partner.objects.visible_to(request.user).filter(federation__in=federations)
    form = CourseForm(request.POST or None, federations=federations, partners=partners)
    if request.method == "POST" and form.is_valid():
        course = run_service(form, services.course_create, by=request.user, **form.cleaned_data)
        if course is not None:
            messages.success(request, _("已开设课程：%(title)s") % {"title": course.title})
            return redirect("academy:course_detail", pk=course.pk)
    return render(request, "academy/form.html", {"form": form, "title": _("开设课程")})


def _course_or_404(user, pk):
    return get_or_404(Course.objects.visible_to(user).select_related("federation", "partner"), pk=pk)


@login_required
def course_detail(request, pk):
    course = _course_or_404(request.user, pk)
    return render(
        request,
        "academy/course_detail.html",
        {
            "course": course,
            "classes": selectors.classes_of(course),
            "manages": Course.objects.writable_by(request.user).filter(pk=course.pk).exists(),
        },
    )


@login_required
def class_create(request, pk):
    course = get_or_404(Course.objects.writable_by(request.user), pk=pk)
    form = ClassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        training_class = run_service(
            form, services.class_create, course=course, by=request.user, **form.cleaned_data
        )
        if training_class is not None:
            messages.success(request, _("已开设班级：%(name)s") % {"name": training_class.name})
            return redirect("academy:class_detail", pk=training_class.pk)
    return render(
        request, "academy/form.html", {"form": form, "title": _("开设班级"), "subtitle": course.title}
    )


# --- a class: roster, waiting list, sessions ---


def _class_or_404(user, pk):
    return get_or_404(TrainingClass.objects.visible_to(user).select_related("course__federation"), pk=pk)


def _writable_class_or_404(user, pk):
    return get_or_404(TrainingClass.objects.writable_by(user).select_related("course__federation"), pk=pk)


def _class_page(request, training_class, *, enrol_form=None, session_form=None, status=200):
    user = request.user
    scope = scope_of(user)
    enrolments = selectors.roster(training_class, user)
    manages = TrainingClass.objects.writable_by(user).filter(pk=training_class.pk).exists()
    return render(
        request,
        "academy/class_detail.html",
        {
            "training_class": training_class,
            "course": training_class.course,
            "seated": [e for e in enrolments if e.status in Enrolment.SEATED],
            "waiting": [e for e in enrolments if e.status == Enrolment.Status.WAITING],
            "cancelled": [e for e in enrolments if e.status == Enrolment.Status.CANCELLED],
            "sessions": selectors.sessions_of(training_class, user),
            "manages": manages,
            "enrols": scope.can("academy.enrol"),
            "enrol_form": enrol_form or MemberKeyForm(),
            "session_form": session_form or SessionForm(),
        },
        status=status,
    )


@login_required
def class_detail(request, pk):
    return _class_page(request, _class_or_404(request.user, pk))


@login_required
@require_POST
def class_enrol(request, pk):
    training_class = _class_or_404(request.user, pk)
    scope_of(request.user).require("academy.enrol")
    form = MemberKeyForm(request.POST)
    if form.is_valid():
        root = selectors.enrolment_root(request.user, training_class)
        person = person_by_key(root=root, key=form.cleaned_data["person"])
        if person is None:
            form.add_error(None, services.not_eligible_error(root))
        else:
            try:
                enrolment = run_service(
                    form,
                    services.enrolment_create,
                    training_class=training_class,
                    person=person,
                    by=request.user,
                )
            except NotInScope:  # another union's member: the same answer as for an unknown number
                enrolment = None
                form.add_error(None, services.not_eligible_error(root))
            if enrolment is not None:
                if enrolment.status == Enrolment.Status.WAITING:
                    messages.warning(request, _("名额已满，%(name)s已列入候补名单") % {"name": person.name})
                else:
                    messages.success(request, _("%(name)s已报名") % {"name": person.name})
                return redirect("academy:class_detail", pk=training_class.pk)
    return _class_page(request, training_class, enrol_form=form)


@login_required
@require_POST
def enrolment_cancel(request, pk):
    enrolment = get_or_404(Enrolment.objects.visible_to(request.user).select_related("person"), pk=pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            promoted = services.enrolment_cancel(enrolment=enrolment, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("已取消%(name)s的报名") % {"name": enrolment.person.name})
            if promoted is not None:
                messages.info(request, _("候补的%(name)s已转为正式报名") % {"name": promoted.person.name})
    return redirect("academy:class_detail", pk=enrolment.training_class_id)


@login_required
@require_POST
def session_add(request, pk):
    training_class = _writable_class_or_404(request.user, pk)
    form = SessionForm(request.POST)
    if form.is_valid() and run_service(
        form, services.session_add, training_class=training_class, by=request.user, **form.cleaned_data
    ):
        messages.success(request, _("已安排课次"))
        return redirect("academy:class_detail", pk=training_class.pk)
    return _class_page(request, training_class, session_form=form)


@login_required
@require_POST
def class_publish(request, pk):
    training_class = _writable_class_or_404(request.user, pk)
    try:
        services.class_publish(training_class=training_class, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("线上课程已上线"))
    return redirect("academy:class_detail", pk=training_class.pk)


@login_required
def session_attendance(request, pk):
    session = get_or_404(
        Session.objects.visible_to(request.user).select_related("training_class__course"), pk=pk
    )
    enrolled = [
        e for e in selectors.roster(session.training_class, request.user) if e.status in Enrolment.SEATED
    ]
    form = AttendanceForm(request.POST or None, enrolments=enrolled)
    if request.method == "POST" and form.is_valid():
        present = run_service(
            form, services.attendance_record, session=session, by=request.user, **form.cleaned_data
        )
        if present is not None:
            messages.success(request, _("已记录考勤：%(n)d人出勤") % {"n": present})
            return redirect("academy:session_attendance", pk=session.pk)
    marks = selectors.attendance_of(session)
    return render(
        request,
        "academy/session_attendance.html",
        {
            "session": session,
            "training_class": session.training_class,
            "rows": [(e, marks.get(e.pk)) for e in enrolled],
            "form": form,
            "started": session.has_started(),
            "manages": Session.objects.writable_by(request.user).filter(pk=session.pk).exists(),
        },
    )


# --- completion and certificates ---


@login_required
def class_completion(request, pk):
    training_class = _writable_class_or_404(request.user, pk)
    waiting = [
        e for e in selectors.roster(training_class, request.user) if e.status == Enrolment.Status.ENROLLED
    ]
    form = CompletionForm(request.POST if request.method == "POST" else None, enrolments=waiting)
    if request.method == "POST" and form.is_valid():
        result = run_service(
            form,
            services.class_complete,
            training_class=training_class,
            scores=form.scores(),
            by=request.user,
        )
        if result is not None:
            messages.success(
                request,
                _("结业办理完成：%(c)d人结业并颁发证书，%(n)d人未结业")
                % {"c": result["completed"], "n": result["not_completed"]},
            )
            return redirect("academy:class_detail", pk=training_class.pk)
    sessions = training_class.sessions.count()
    return render(
        request,
        "academy/class_completion.html",
        {
            "training_class": training_class,
            "course": training_class.course,
            "form": form,
            "sessions": sessions,
        },
    )


@login_required
def certificate_list(request):
    scope_of(request.user).require("academy.read")
    form = CertificateFilterForm(request.GET or None)
    page = keyset.page_of(
        request, selectors.certificate_list(request.user, **_filters(form)), ["-issued_on", "-number", "-pk"]
    )
    return render(request, "academy/certificate_list.html", {"form": form, "page": page})


def _certificate_or_404(user, pk):
    return get_or_404(
        Certificate.objects.visible_to(user).select_related(
            "person", "training_class__course__federation", "enrolment__enterprise", "revoked_by"
        ),
        pk=pk,
    )


def _verify_url(request, certificate) -> str:
    return request.build_absolute_uri(reverse("academy:verify", args=[certificate.token]))


def _certificate_page(request, certificate, *, revoke_form=None):
    verify_url = _verify_url(request, certificate)
    return render(
        request,
        "academy/certificate_detail.html",
        {
            "certificate": certificate,
            "course": certificate.training_class.course,
            "verify_url": verify_url,
            "qr": mark_safe(qr_svg(verify_url)),  # noqa: S308 — segno's own SVG, no user input in markup
            "manages": Certificate.objects.writable_by(request.user).filter(pk=certificate.pk).exists(),
            "revoke_form": revoke_form or RevokeForm(),
        },
    )


@login_required
def certificate_detail(request, pk):
    return _certificate_page(request, _certificate_or_404(request.user, pk))


@login_required
def certificate_pdf(request, pk):
    certificate = _certificate_or_404(request.user, pk)
    verify_url = _verify_url(request, certificate)
    pdf = render_pdf(
        "academy/certificate_pdf.html",
        {
            "certificate": certificate,
            "course": certificate.training_class.course,
            "verify_url": verify_url,
            "qr": mark_safe(qr_svg(verify_url, scale=3)),  # noqa: S308 — as above
        },
    )
    audit_record(actor=request.user, action="academy.certificate_download", obj=certificate)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.pdf"'
    return response


@login_required
@require_POST
def certificate_revoke(request, pk):
    get_or_404(Certificate.objects.writable_by(request.user), pk=pk)
    certificate = _certificate_or_404(request.user, pk)
    form = RevokeForm(request.POST)
    if form.is_valid() and run_service(
        form, services.certificate_revoke, certificate=certificate, by=request.user, **form.cleaned_data
    ):
        messages.success(request, _("证书%(number)s已撤销") % {"number": certificate.number})
        return redirect("academy:certificate_detail", pk=certificate.pk)
    return _certificate_page(request, certificate, revoke_form=form)


def verify(request, token):
    """Public, without signing in: whether a certificate is valid, for whom (masked), for what."""
    certificate = selectors.certificate_by_token(token)
    return render(
        request,
        "academy/verify.html",
        {"certificate": certificate, "course": certificate.training_class.course if certificate else None},
        status=200 if certificate else 404,
    )
