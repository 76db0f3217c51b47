"""Events and roster imports in the API: cultural and sports events with their registrations and
the door's check-in; a union's roster import jobs (upload, the dry run's result, confirm, status),
on the same services and background job as the pages."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from gonghui.activities.selectors import person_by_key
from gonghui.activities.services import not_registrable_error
from gonghui.api.resources import PersonKeySerializer, Resource, choice_field, filters, id_field, year_field
from gonghui.api.views import _valid
from gonghui.core.errors import field_error
from gonghui.core.scope import get_or_404, scope_of
from gonghui.homes import selectors as homes
from gonghui.homes import services as home_services
from gonghui.homes.models import CheckIn, Event, EventRegistration
from gonghui.orgs.selectors import managed_unions
from gonghui.rosters import selectors as rosters
from gonghui.rosters import services as roster_services
from gonghui.rosters.models import ImportJob

# --- events ---


class EventSerializer(serializers.ModelSerializer):
    organiser = serializers.SlugRelatedField(slug_field="code", read_only=True)
    confirmed = serializers.IntegerField(read_only=True)
    waiting = serializers.IntegerField(read_only=True)
    checked_in = serializers.IntegerField(read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "organiser",
            "kind",
            "title",
            "place",
            "starts_at",
            "ends_at",
            "registration_opens_at",
            "registration_closes_at",
            "capacity",
            "description",
            "confirmed",
            "waiting",
            "checked_in",
        ]


class EventRegistrationSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    union = serializers.SlugRelatedField(slug_field="code", read_only=True)
    checked_in_at = serializers.DateTimeField(
        source="check_in.checked_in_at", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = EventRegistration
        fields = [
            "id",
            "event",
            "person",
            "person_name",
            "union",
            "status",
            "queued_at",
            "promoted_at",
            "cancelled_at",
            "checked_in_at",
        ]


class CheckInInputSerializer(serializers.Serializer):
    person = serializers.IntegerField(label=_("人员"), min_value=1, max_value=2**63 - 1)


class CheckInSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="registration.person_id", read_only=True)

    class Meta:
        model = CheckIn
        fields = ["id", "registration", "person", "method", "checked_in_at"]


class EventListFilter(serializers.Serializer):
    year = year_field()
    kind = choice_field(_("类别"), Event.Kind.choices)


class EventRegistrationFilter(serializers.Serializer):
    event = id_field(_("文体活动"))
    status = choice_field(_("状态"), EventRegistration.Status.choices)


@extend_schema_view(list=extend_schema(parameters=[EventListFilter]))
@extend_schema(tags=["events"])
class EventViewSet(Resource):
    queryset = Event.objects.none()
    serializer_class = EventSerializer

    def get_queryset(self):
        if self.action == "list":
            scope_of(self.request.user).require("events.manage")
            return homes.event_list(self.request.user, **filters(self.request, EventListFilter))
        return homes.event_list(self.request.user)

    @extend_schema(request=PersonKeySerializer, responses={201: EventRegistrationSerializer})
    @action(detail=True, methods=["post"])
    def register(self, request, pk=None):
        """Registers a member named by ID or card number: a seat in their pool, or its waiting list."""
        event = get_or_404(self.get_queryset(), pk=pk)
        scope_of(request.user).require("events.manage")
        person = person_by_key(root=event.organiser, key=_valid(PersonKeySerializer, request.data)["person"])
        if person is None:
            raise not_registrable_error(event.organiser)
        registration = home_services.registration_create(event=event, person=person, by=request.user)
        return Response(EventRegistrationSerializer(registration).data, status=201)

    @extend_schema(request=CheckInInputSerializer, responses={201: CheckInSerializer})
    @action(detail=True, methods=["post"], url_path="check-in", url_name="check-in")
    def check_in(self, request, pk=None):
        """Checks a registered person in at the door, once."""
        event = get_or_404(self.get_queryset(), pk=pk)
        scope_of(request.user).require("events.checkin")
        person_id = _valid(CheckInInputSerializer, request.data)["person"]
        registration = (
            EventRegistration.objects.writable_by(request.user)
            .filter(event=event, person_id=person_id)
            .select_related("person")
            .first()
        )
        if registration is None:
            raise field_error("person", _("该人员未报名本次活动，不能签到"))
        check_in = home_services.checkin_create(event=event, person=registration.person, by=request.user)
        return Response(CheckInSerializer(check_in).data, status=201)


@extend_schema_view(list=extend_schema(parameters=[EventRegistrationFilter]))
@extend_schema(tags=["events"])
class EventRegistrationViewSet(Resource):
    queryset = EventRegistration.objects.none()
    serializer_class = EventRegistrationSerializer

    def get_queryset(self):
        if self.action == "list":
            scope_of(self.request.user).require("events.manage")
            return homes.registration_list(
                self.request.user, **filters(self.request, EventRegistrationFilter)
            )
        return homes.registration_list(self.request.user)


# --- roster imports ---


class ImportJobSerializer(serializers.ModelSerializer):
    union = serializers.SlugRelatedField(slug_field="code", read_only=True)
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "union",
            "original_name",
            "status",
            "created_at",
            "finished_at",
            "rows_total",
            "rows_done",
            "percent",
            "summary",
            "message",
        ]


class ImportJobDetailSerializer(ImportJobSerializer):
    """With the dry run's first problem rows: [row, column, reason, kind] each."""

    problems = serializers.ListField(child=serializers.ListField(), read_only=True)

    class Meta(ImportJobSerializer.Meta):
        fields = [*ImportJobSerializer.Meta.fields, "problems"]


class UploadSerializer(serializers.Serializer):
    union = serializers.CharField(label=_("工会代码"), max_length=32)
    file = serializers.FileField(label=_("名册文件"))


@extend_schema(tags=["rosters"])
class ImportJobViewSet(mixins.CreateModelMixin, Resource):
    """Roster imports of the unions the user manages: an upload is checked first (a dry run, nothing
    saved); once its result is read, `confirm` imports it. Big files run in the background: poll
    the job for its status and rows_done."""

    queryset = ImportJob.objects.none()

    parser_classes = [MultiPartParser]

    def get_serializer_class(self):
        return ImportJobSerializer if self.action == "list" else ImportJobDetailSerializer

    def get_queryset(self):
        return rosters.import_job_list(self.request.user)

    def retrieve(self, request, *args, **kwargs):
        job = roster_services.import_job_fail_if_stale(job=self.get_object())
        return Response(ImportJobDetailSerializer(job).data)

    @extend_schema(
        request={"multipart/form-data": UploadSerializer}, responses={201: ImportJobDetailSerializer}
    )
    def create(self, request, *args, **kwargs):
        data = _valid(UploadSerializer, request.data)
        union = get_or_404(managed_unions(request.user), code=data["union"])
        job = roster_services.import_job_create(union=union, upload=data["file"], by=request.user)
        job.refresh_from_db()
        return Response(ImportJobDetailSerializer(job).data, status=201)

    @extend_schema(request=None, responses=ImportJobDetailSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """Imports a job whose dry run is done (status checked)."""
        job = roster_services.import_job_confirm(job=self.get_object(), by=request.user)
        return Response(ImportJobDetailSerializer(job).data)
