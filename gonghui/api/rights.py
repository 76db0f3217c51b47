"""The rights apps in the API: mutual aid (plans, group enrolments, claims and their payment) and
the legal service (consultations, legal-aid cases, mediations). Lists never carry medical details
or case files; each has its own action, which the service audits as the pages' views are."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from gonghui.api.resources import Resource, choice_field, filters, id_field, year_field
from gonghui.api.views import _valid
from gonghui.core.scope import get_or_404, scope_of
from gonghui.legal import selectors as legal
from gonghui.legal import services as legal_services
from gonghui.legal.models import AidCase, Consultation, Dispute
from gonghui.mutual_aid import selectors as aid
from gonghui.mutual_aid import services as aid_services
from gonghui.mutual_aid.models import Claim, EnrolmentBatch, LedgerEntry, Plan, Status

# --- mutual aid ---


class PlanSerializer(serializers.ModelSerializer):
    federation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    enrolled = serializers.IntegerField(read_only=True, help_text="参保人数")

    class Meta:
        model = Plan
        fields = [
            "id",
            "federation",
            "status",
            *aid_services.PLAN_FIELDS,
            "ends_on",
            "published_at",
            "enrolled",
        ]


class BatchSerializer(serializers.ModelSerializer):
    union = serializers.SlugRelatedField(slug_field="code", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = EnrolmentBatch
        fields = [
            "id",
            "plan",
            "union",
            "enterprise",
            "enterprise_name",
            "enrolled_on",
            "people",
            "headcount",
            "enrolled_total",
            "fee_total",
        ]


class ClaimSerializer(serializers.ModelSerializer):
    """A claim as a list shows it: its state and amount, nothing of the illness or the account."""

    number = serializers.CharField(read_only=True)
    person_name = serializers.CharField(source="person.name", read_only=True)
    union = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Claim
        fields = [
            "id",
            "number",
            "plan",
            "person",
            "person_name",
            "union",
            "status",
            "filed_on",
            "event_on",
            "amount",
            "changed_at",
        ]


class ClaimDetailSerializer(ClaimSerializer):
    class Meta(ClaimSerializer.Meta):
        fields = [
            *ClaimSerializer.Meta.fields,
            "total_cost",
            "insurance_paid",
            "bank",
            "account_masked",
            "consent_on",
            "computation",
            "reason",
        ]


class MedicalSerializer(serializers.Serializer):
    diagnosis = serializers.CharField()
    hospital = serializers.CharField()
    stay = serializers.CharField()
    account = serializers.CharField()


class PaySerializer(serializers.Serializer):
    paid_on = serializers.DateField(label=_("支付日期"))
    reference = serializers.CharField(label=_("银行流水号"), max_length=64)


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = LedgerEntry
        fields = ["id", "claim", "amount", "paid_on", "reference", "account_masked"]


class ClaimFilter(serializers.Serializer):
    status = choice_field(_("状态"), Status.choices)
    plan = id_field(_("计划"))
    year = year_field()


class PlanFilter(serializers.Serializer):
    plan = id_field(_("计划"))


def _aid_reader(user) -> None:
    scope_of(user).require("mutual_aid.read")


@extend_schema(tags=["mutual-aid"])
class PlanViewSet(Resource):
    """The mutual-aid plans of the federations the user reaches (a union admin: those above their union)."""

    queryset = Plan.objects.none()

    serializer_class = PlanSerializer

    def get_queryset(self):
        _aid_reader(self.request.user)
        return aid.plan_list(self.request.user)


@extend_schema_view(list=extend_schema(parameters=[PlanFilter]))
@extend_schema(tags=["mutual-aid"])
class BatchViewSet(Resource):
    """Group enrolments: a union's enrolment of one employer's staff in a plan, with its fee total."""

    queryset = EnrolmentBatch.objects.none()

    serializer_class = BatchSerializer

    def get_queryset(self):
        _aid_reader(self.request.user)
        if self.action == "list":
            return aid.batch_list(self.request.user, **filters(self.request, PlanFilter))
        return aid.batch_list(self.request.user)


@extend_schema_view(list=extend_schema(parameters=[ClaimFilter]))
@extend_schema(tags=["mutual-aid"])
class ClaimViewSet(Resource):
    """Claims in the user's reach. The medical details and the account are their own audited read,
    for the claim's handlers only."""

    queryset = Claim.objects.none()

    def get_serializer_class(self):
        return ClaimSerializer if self.action == "list" else ClaimDetailSerializer

    def get_queryset(self):
        _aid_reader(self.request.user)
        if self.action == "list":
            return aid.claim_list(self.request.user, **filters(self.request, ClaimFilter))
        return aid.claim_list(self.request.user)

    @extend_schema(responses=MedicalSerializer)
    @action(detail=True, methods=["get"])
    def medical(self, request, pk=None):
        claim = get_or_404(self.get_queryset(), pk=pk)
        return Response(aid_services.claim_medical_details(claim=claim, by=request.user))

    @extend_schema(request=PaySerializer, responses={201: PaymentSerializer})
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        """Pays a claim whose amount is set (status amount_set): one ledger entry, once."""
        claim = get_or_404(self.get_queryset(), pk=pk)
        entry = aid_services.claim_pay(claim=claim, by=request.user, **_valid(PaySerializer, request.data))
        return Response(PaymentSerializer(entry).data, status=201)


# --- the legal service ---


class _CaseSerializer(serializers.ModelSerializer):
    org = serializers.SlugRelatedField(slug_field="code", read_only=True)
    person_name = serializers.CharField(source="person.name", read_only=True)


class ConsultationSerializer(_CaseSerializer):
    lawyer_name = serializers.CharField(source="lawyer.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Consultation
        fields = [
            "id",
            "org",
            "person",
            "person_name",
            "topic",
            "channel",
            "asked_on",
            "state",
            "outcome",
            "answered_on",
            "lawyer",
            "lawyer_name",
        ]


class _ClockedSerializer(_CaseSerializer):
    next_due = serializers.DateField(read_only=True, allow_null=True, help_text="最近的办理期限")
    overdue = serializers.BooleanField(read_only=True)


class AidCaseSerializer(_ClockedSerializer):
    lawyer_name = serializers.CharField(source="lawyer.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = AidCase
        fields = [
            "id",
            "number",
            "org",
            "person",
            "person_name",
            "topic",
            "applied_on",
            "state",
            "state_on",
            "lawyer",
            "lawyer_name",
            "next_due",
            "overdue",
        ]


class DisputeSerializer(_ClockedSerializer):
    mediator_name = serializers.CharField(
        source="mediator.name", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Dispute
        fields = [
            "id",
            "number",
            "org",
            "person",
            "person_name",
            "employer",
            "employer_name",
            "topic",
            "source",
            "received_on",
            "claim_amount",
            "state",
            "state_on",
            "outcome",
            "settled_amount",
            "mediator",
            "mediator_name",
            "next_due",
            "overdue",
        ]


class CaseFileSerializer(serializers.Serializer):
    label = serializers.CharField()
    text = serializers.CharField()


def _case_filter(model, *, clocked: bool):
    fields = {"year": year_field(), "state": choice_field(_("状态"), model.State.choices)}
    if clocked:
        fields["due"] = serializers.BooleanField(
            label=_("只看临近或超过期限的"), required=False, default=False
        )
    return type(f"{model.__name__}Filter", (serializers.Serializer,), fields)


ConsultationFilter = _case_filter(Consultation, clocked=False)
AidCaseFilter = _case_filter(AidCase, clocked=True)
DisputeFilter = _case_filter(Dispute, clocked=True)


class _CaseViewSet(Resource):
    """Cases in the reader's scope (a lawyer: only those assigned to them). The case file is its own
    audited read (`file`), for those who handle the case."""

    selector = None
    filter_class = None

    def get_queryset(self):
        scope_of(self.request.user).require("legal.view")
        params = filters(self.request, self.filter_class) if self.action == "list" else {}
        return self.selector(self.request.user, **params)

    @extend_schema(responses=CaseFileSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def file(self, request, pk=None):
        case = get_or_404(self.get_queryset(), pk=pk)
        parts = legal_services.case_file_read(case=case, by=request.user)
        return Response([{"label": str(label), "text": text} for label, text in parts])


@extend_schema_view(list=extend_schema(parameters=[ConsultationFilter]))
@extend_schema(tags=["legal"])
class ConsultationViewSet(_CaseViewSet):
    queryset = Consultation.objects.none()
    serializer_class = ConsultationSerializer
    selector = staticmethod(legal.consultation_list)
    filter_class = ConsultationFilter


@extend_schema_view(list=extend_schema(parameters=[AidCaseFilter]))
@extend_schema(tags=["legal"])
class AidCaseViewSet(_CaseViewSet):
    queryset = AidCase.objects.none()
    serializer_class = AidCaseSerializer
    selector = staticmethod(legal.aid_list)
    filter_class = AidCaseFilter


@extend_schema_view(list=extend_schema(parameters=[DisputeFilter]))
@extend_schema(tags=["legal"])
class DisputeViewSet(_CaseViewSet):
    queryset = Dispute.objects.none()
    serializer_class = DisputeSerializer
    selector = staticmethod(legal.dispute_list)
    filter_class = DisputeFilter
