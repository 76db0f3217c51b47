"""The skills apps in the API: the academy (courses, classes, enrolments, the public certificate
check), contests (events, competitors and the judges' scores) and honours nominations. Reads through
the apps' selectors, writes through their services, which check the actor."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from gonghui.academy import selectors as academy
from gonghui.academy import services as academy_services
from gonghui.academy.models import Course, Craft, Enrolment, TrainingClass
from gonghui.activities.selectors import person_by_key
from gonghui.api.resources import PersonKeySerializer, Resource, choice_field, filters, id_field, year_field
from gonghui.api.views import _valid
from gonghui.contests import selectors as contests
from gonghui.contests import services as contest_services
from gonghui.contests.models import Contest, Criterion, Registration, Score
from gonghui.contests.models import Event as ContestEvent
from gonghui.core.errors import field_error
from gonghui.core.scope import NotInScope, get_or_404, scope_of
from gonghui.honours import selectors as honours
from gonghui.honours.models import Nomination, Status
from gonghui.members.models import Person

# --- the academy ---


class CourseSerializer(serializers.ModelSerializer):
    federation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    partner_name = serializers.CharField(source="partner.name", read_only=True, allow_null=True, default=None)
    class_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Course
        fields = [
            "id",
            "federation",
            "title",
            "craft",
            "hours",
            "partner",
            "partner_name",
            "description",
            "min_attendance",
            "pass_mark",
            "class_count",
        ]


class ClassSerializer(serializers.ModelSerializer):
    course_title = serializers.CharField(source="course.title", read_only=True)
    seated = serializers.IntegerField(read_only=True)
    waiting = serializers.IntegerField(read_only=True)

    class Meta:
        model = TrainingClass
        fields = [
            "id",
            "course",
            "course_title",
            "name",
            "mode",
            "starts_on",
            "ends_on",
            "place",
            "capacity",
            "teacher",
            "published",
            "seated",
            "waiting",
        ]


class EnrolmentSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    union = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "training_class",
            "person",
            "person_name",
            "union",
            "enrolled_on",
            "status",
            "score",
            "decided_on",
        ]


class CertificateCheckSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    number = serializers.CharField()
    holder = serializers.CharField(help_text="持证人姓名（部分隐去）")
    course = serializers.CharField()
    craft = serializers.CharField()
    hours = serializers.DecimalField(max_digits=5, decimal_places=1)
    issued_on = serializers.DateField()
    issuer = serializers.CharField()
    revoked_on = serializers.DateField(allow_null=True)


class CourseFilter(serializers.Serializer):
    craft = choice_field(_("工种方向"), Craft.choices)
    q = serializers.CharField(label=_("课程名称"), required=False, max_length=100)


class ClassFilter(serializers.Serializer):
    course = id_field(_("课程"))


class EnrolmentFilter(serializers.Serializer):
    training_class = id_field(_("班级"))
    status = choice_field(_("状态"), Enrolment.Status.choices)


def _academy_reader(user) -> None:
    scope_of(user).require("academy.read")


@extend_schema_view(list=extend_schema(parameters=[CourseFilter]))
@extend_schema(tags=["academy"])
class CourseViewSet(Resource):
    queryset = Course.objects.none()
    serializer_class = CourseSerializer

    def get_queryset(self):
        if self.action == "list":
            _academy_reader(self.request.user)
            return academy.course_list(self.request.user, **filters(self.request, CourseFilter))
        return academy.course_list(self.request.user)


@extend_schema_view(list=extend_schema(parameters=[ClassFilter]))
@extend_schema(tags=["academy"])
class ClassViewSet(Resource):
    queryset = TrainingClass.objects.none()
    serializer_class = ClassSerializer

    def get_queryset(self):
        if self.action == "list":
            _academy_reader(self.request.user)
            return academy.class_list(self.request.user, **filters(self.request, ClassFilter))
        return academy.class_list(self.request.user)

    @extend_schema(request=PersonKeySerializer, responses={201: EnrolmentSerializer})
    @action(detail=True, methods=["post"])
    def enrol(self, request, pk=None):
        """Enrols a member named by ID or card number (a union admin: their own members); past the
        capacity, on the waiting list."""
        training_class = get_or_404(self.get_queryset(), pk=pk)
        scope_of(request.user).require("academy.enrol")
        key = _valid(PersonKeySerializer, request.data)["person"]
        root = academy.enrolment_root(request.user, training_class)
        person = person_by_key(root=root, key=key)
        try:
            if person is None:
                raise NotInScope
            enrolment = academy_services.enrolment_create(
                training_class=training_class, person=person, by=request.user
            )
        except NotInScope:  # unknown, or another union's member: the same answer
            raise academy_services.not_eligible_error(root) from None
        return Response(EnrolmentSerializer(enrolment).data, status=201)


@extend_schema_view(list=extend_schema(parameters=[EnrolmentFilter]))
@extend_schema(tags=["academy"])
class EnrolmentViewSet(Resource):
    queryset = Enrolment.objects.none()
    serializer_class = EnrolmentSerializer

    def get_queryset(self):
        if self.action == "list":
            _academy_reader(self.request.user)
            return academy.enrolment_list(self.request.user, **filters(self.request, EnrolmentFilter))
        return academy.enrolment_list(self.request.user)


class CertificateVerifyView(APIView):
    """Public, without a token: whether a certificate is valid, for whom (the name masked), for what."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(tags=["academy"], auth=[], responses=CertificateCheckSerializer)
    def get(self, request, token):
        certificate = academy.certificate_by_token(token)
        if certificate is None:
            raise NotInScope
        course = certificate.training_class.course
        return Response(
            CertificateCheckSerializer(
                {
                    "valid": not certificate.is_revoked,
                    "number": certificate.number,
                    "holder": certificate.person.name_masked,
                    "course": course.title,
                    "craft": course.get_craft_display(),
                    "hours": certificate.hours,
                    "issued_on": certificate.issued_on,
                    "issuer": f"{course.federation.name}{_('工匠学院')}",
                    "revoked_on": certificate.revoked_at.date() if certificate.revoked_at else None,
                }
            ).data
        )


# --- contests ---


class ContestSerializer(serializers.ModelSerializer):
    organisers = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    event_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Contest
        fields = ["id", "title", "year", "level", "held_on", "rules", "organisers", "event_count"]


class ContestEventSerializer(serializers.ModelSerializer):
    competitors = serializers.IntegerField(read_only=True)

    class Meta:
        model = ContestEvent
        fields = [
            "id",
            "contest",
            "name",
            "status",
            "award_basis",
            "first",
            "second",
            "third",
            "merit",
            "published_at",
            "competitors",
        ]


class RegistrationSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    union = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Registration
        fields = ["id", "event", "number", "person", "person_name", "union", "enterprise", "registered_at"]


class ScoreSerializer(serializers.ModelSerializer):
    event = serializers.IntegerField(source="registration.event_id", read_only=True)
    judge_name = serializers.CharField(source="judge.name", read_only=True)

    class Meta:
        model = Score
        fields = [
            "id",
            "event",
            "registration",
            "criterion",
            "judge",
            "judge_name",
            "value",
            "mark",
            "entered_at",
        ]


class ScoreInputSerializer(serializers.Serializer):
    registration = serializers.IntegerField(label=_("选手"), min_value=1, max_value=2**63 - 1)
    criterion = serializers.IntegerField(label=_("评分项"), min_value=1, max_value=2**63 - 1)
    value = serializers.DecimalField(label=_("分值"), max_digits=8, decimal_places=2)
    reason = serializers.CharField(label=_("修改原因"), max_length=200, required=False, allow_blank=True)


class ContestFilter(serializers.Serializer):
    year = year_field()


class ContestEventFilter(serializers.Serializer):
    contest = id_field(_("竞赛"))


class EventFilter(serializers.Serializer):
    event = id_field(_("项目"))


@extend_schema_view(list=extend_schema(parameters=[ContestFilter]))
@extend_schema(tags=["contests"])
class ContestViewSet(Resource):
    queryset = Contest.objects.none()
    serializer_class = ContestSerializer

    def get_queryset(self):
        params = filters(self.request, ContestFilter) if self.action == "list" else {}
        return contests.contest_list(self.request.user, **params)


@extend_schema_view(list=extend_schema(parameters=[ContestEventFilter]))
@extend_schema(tags=["contests"])
class ContestEventViewSet(Resource):
    queryset = ContestEvent.objects.none()
    serializer_class = ContestEventSerializer

    def get_queryset(self):
        params = filters(self.request, ContestEventFilter) if self.action == "list" else {}
        return contests.event_list(self.request.user, **params)

    @extend_schema(request=PersonKeySerializer, responses={201: RegistrationSerializer})
    @action(detail=True, methods=["post"])
    def register(self, request, pk=None):
        """Registers a competitor named by ID or card number, among the people the officer reaches."""
        event = get_or_404(self.get_queryset(), pk=pk)
        key = _valid(PersonKeySerializer, request.data)["person"]
        person = person_by_key(root=event.contest.organisers.order_by("depth").first(), key=key)
        if person is None or not Person.objects.visible_to(request.user).filter(pk=person.pk).exists():
            raise field_error("person", _("该人员不是您可报名的在册会员"))
        registration = contest_services.registration_create(event=event, person=person, by=request.user)
        return Response(RegistrationSerializer(registration).data, status=201)

    @extend_schema(request=ScoreInputSerializer, responses={201: ScoreSerializer})
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        """A judge of the event records their value for a criterion of a competitor (judges only)."""
        judge = contests.scoring_judge(request.user, pk)
        if judge is None:
            raise NotInScope
        event = judge.event
        data = _valid(ScoreInputSerializer, request.data)
        score = contest_services.score_record(
            registration=get_or_404(Registration.objects.filter(event=event), pk=data["registration"]),
            criterion=get_or_404(Criterion.objects.filter(part__event=event), pk=data["criterion"]),
            judge=judge,
            value=data["value"],
            reason=data.get("reason", ""),
            by=request.user,
        )
        return Response(ScoreSerializer(score).data, status=201)


@extend_schema_view(list=extend_schema(parameters=[EventFilter]))
@extend_schema(tags=["contests"])
class RegistrationViewSet(Resource):
    queryset = Registration.objects.none()
    serializer_class = RegistrationSerializer

    def get_queryset(self):
        params = filters(self.request, EventFilter) if self.action == "list" else {}
        return contests.registration_list(self.request.user, **params)


@extend_schema_view(list=extend_schema(parameters=[EventFilter]))
@extend_schema(tags=["contests"])
class ScoreViewSet(Resource):
    """Scores: a contest's staff read all of theirs, a judge their own."""

    queryset = Score.objects.none()

    serializer_class = ScoreSerializer

    def get_queryset(self):
        params = filters(self.request, EventFilter) if self.action == "list" else {}
        return contests.score_list(self.request.user, **params)


# --- honours ---


class NominationSerializer(serializers.ModelSerializer):
    union = serializers.SlugRelatedField(slug_field="code", read_only=True)
    organisation = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    person_name = serializers.CharField(source="person.name", read_only=True, allow_null=True, default=None)
    round_name = serializers.CharField(source="round.name", read_only=True)

    class Meta:
        model = Nomination
        fields = [
            "id",
            "round",
            "round_name",
            "union",
            "person",
            "person_name",
            "organisation",
            "workplace",
            "attributes",
            "status",
            "publicity_starts_on",
            "publicity_ends_on",
            "reason",
            "created_at",
        ]


class NominationDetailSerializer(NominationSerializer):
    class Meta(NominationSerializer.Meta):
        fields = [*NominationSerializer.Meta.fields, "deeds"]


class NominationFilter(serializers.Serializer):
    round = id_field(_("推荐评选"))
    status = choice_field(_("状态"), Status.choices)


@extend_schema_view(list=extend_schema(parameters=[NominationFilter]))
@extend_schema(tags=["honours"])
class NominationViewSet(Resource):
    queryset = Nomination.objects.none()

    def get_serializer_class(self):
        return NominationSerializer if self.action == "list" else NominationDetailSerializer

    def get_queryset(self):
        if self.action == "list":
            scope_of(self.request.user).require("honours.nominate")
            return honours.nomination_list(self.request.user, **filters(self.request, NominationFilter))
        return honours.nomination_list(self.request.user)
