"""The REST API under /api/v1/: thin views over the same selectors and services as the pages, so it
adds no rule and bypasses none. Reads go through `visible_to`, writes through the services, which
check their actor; another scope's object is a 404."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from gonghui.api import serializers as s
from gonghui.api.pagination import Cursor
from gonghui.core.scope import get_or_404, scope_of
from gonghui.members import selectors as member_selectors
from gonghui.members import services as members
from gonghui.members.forms import MemberFilterForm
from gonghui.members.models import Membership, Person
from gonghui.orgs import selectors as org_selectors
from gonghui.orgs.models import Enterprise, Organisation
from gonghui.reports import selectors as reports


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ReadOnly(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    pass


@extend_schema(tags=["organisations"])
class OrganisationViewSet(ReadOnly):
    """Organisations the user reaches: a federation's subtree, one union, or all for platform admins."""

    serializer_class = s.OrganisationSerializer
    lookup_field = "code"

    def get_queryset(self):
        return Organisation.objects.visible_to(self.request.user).select_related("parent")


@extend_schema(
    tags=["enterprises"],
    parameters=[
        OpenApiParameter("q", str, description="企业名称的一部分或统一社会信用代码"),
        OpenApiParameter("category", str, enum=["key", "large", "new_form"]),
        OpenApiParameter("has_union", str, enum=["yes", "no"]),
    ],
)
class EnterpriseViewSet(ReadOnly):
    serializer_class = s.EnterpriseSerializer

    def get_queryset(self):
        params = self.request.query_params
        return org_selectors.enterprise_list(
            self.request.user,
            category=params.get("category", ""),
            has_union=params.get("has_union", ""),
            q=params.get("q", "").strip(),
        ).select_related("federation")


@extend_schema(tags=["people"])
class PersonViewSet(ReadOnly):
    """People with a membership the user reaches; ID numbers masked (the reveal is its own action)."""

    serializer_class = s.PersonSerializer
    # The member list's order and index (person_pinyin_order_idx), read along it page by page; a
    # union admin's people, and a federation's few beside the database, in the same order, are read
    # through their memberships and sorted (members.selectors.people_through_memberships).
    pagination_class = Cursor.ordered_by("name_pinyin", "id")
    sorted_pagination_class = Cursor.ordered_by("sorted_name_pinyin", "id")

    def _through_memberships(self):
        if not hasattr(self, "_people"):
            self._people = member_selectors.people_through_memberships(self.request.user)
        return self._people

    @property
    def paginator(self):
        if not hasattr(self, "_paginator"):
            sorted_after_reading = self._through_memberships() is not None
            self._paginator = (
                self.sorted_pagination_class if sorted_after_reading else self.pagination_class
            )()
        return self._paginator

    def get_queryset(self):
        people = self._through_memberships()
        return Person.objects.visible_to(self.request.user) if people is None else people

    def list(self, request, *args, **kwargs):
        scope_of(request.user).require("members.roster")
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses=s.RevealedIdSerializer)
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        person = get_or_404(self.get_queryset(), pk=pk)
        return Response({"id_number": members.person_reveal_id(person=person, by=request.user)})


@extend_schema(
    tags=["memberships"],
    parameters=[
        OpenApiParameter("q", str, description="姓名、拼音首字母、手机号或公民身份号码"),
        OpenApiParameter("union", str, description="工会代码"),
        OpenApiParameter("status", str, enum=["active", "ended", "all"]),
    ],
)
class MembershipViewSet(ReadOnly):
    serializer_class = s.MembershipSerializer

    def list(self, request, *args, **kwargs):
        """The member list's pages and searches, each in the order and index of the page's
        (members.selectors.member_search)."""
        scope_of(request.user).require("members.roster")
        form = MemberFilterForm(request.query_params)  # the page's form: the same fields, the same checks
        if not form.is_valid():
            raise ValidationError(form.errors)
        search = member_selectors.member_search(
            request.user, **{k: v for k, v in form.cleaned_data.items() if v}
        )
        if search.hint:
            raise ValidationError({"q": [search.hint]})
        rows = self.paginator.paginate_keyset(
            request, lambda cursor, size: member_selectors.member_page(search, cursor=cursor, size=size)
        )
        return self.paginator.get_paginated_response(self.get_serializer(rows, many=True).data)

    def get_queryset(self):
        params = self.request.query_params
        if self.action == "list":
            scope_of(self.request.user).require("members.roster")
            return member_selectors.membership_list(
                self.request.user,
                q=params.get("q", ""),
                union=params.get("union", ""),
                status=params.get("status", "active"),
            )
        return Membership.objects.visible_to(self.request.user).select_related("person", "union")

    def _writable(self, pk) -> Membership:
        return get_or_404(
            Membership.objects.writable_by(self.request.user).active().select_related("person", "union"),
            pk=pk,
        )

    @extend_schema(request=s.JoinSerializer, responses={201: s.MembershipSerializer})
    @action(detail=False, methods=["post"])
    def join(self, request):
        data = _valid(s.JoinSerializer, request.data)
        union = get_or_404(Organisation.objects.writable_by(request.user), code=data.pop("union"))
        enterprise_id = data.pop("enterprise", None)
        enterprise = (
            get_or_404(Enterprise.objects.visible_to(request.user), pk=enterprise_id)
            if enterprise_id
            else None
        )
        membership = members.member_join(union=union, enterprise=enterprise, by=request.user, **data)
        return Response(s.MembershipSerializer(membership).data, status=201)

    @extend_schema(request=s.TransferSerializer, responses={201: s.MembershipSerializer})
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        membership = self._writable(pk)
        data = _valid(s.TransferSerializer, request.data)
        targets = member_selectors.transfer_targets(request.user)
        to_union = get_or_404(targets, code=data.pop("to_union"))
        enterprise_id = data.pop("enterprise", None)
        enterprise = (
            get_or_404(member_selectors.transfer_enterprises(targets), pk=enterprise_id)
            if enterprise_id
            else None
        )
        new = members.member_transfer(
            membership=membership, to_union=to_union, enterprise=enterprise, by=request.user, **data
        )
        return Response(s.MembershipSerializer(new).data, status=201)

    @extend_schema(request=s.LeaveSerializer, responses=s.MembershipSerializer)
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        membership = self._writable(pk)
        left = members.member_leave(
            membership=membership, by=request.user, **_valid(s.LeaveSerializer, request.data)
        )
        return Response(s.MembershipSerializer(left).data)


KPIS = {
    "type": "object",
    "description": "指标代码 → 本年和上年数值",
    "additionalProperties": {
        "type": "object",
        "required": ["value", "previous"],
        "properties": {"value": {}, "previous": {}},
    },
}


class KpiView(APIView):
    """Every KPI of an organisation's subtree for a year, each with the previous year's value: the same
    object as `gonghui report --format json`."""

    @extend_schema(
        tags=["kpis"],
        parameters=[s.KpiQuerySerializer],
        responses={200: KPIS},
    )
    def get(self, request):
        query = _valid(s.KpiQuerySerializer, request.query_params)
        root = get_or_404(reports.report_roots(request.user), code=query["org"])
        return Response(reports.kpis_for(root, query["year"]))
