"""Self-service in the REST API: activation, the worker's own record and card, and the door's check
of a card. Thin views over gonghui.selfservice.services, as the pages are."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from gonghui.api.views import _valid
from gonghui.core.audit import client_ip
from gonghui.core.scope import get_or_404, scope_of
from gonghui.homes.models import Event
from gonghui.members import selectors as member_selectors
from gonghui.members.models import Membership, Person
from gonghui.selfservice import cards, services

MAX_ID = 2**63 - 1  # the largest row id either database stores


class ActivateSerializer(serializers.Serializer):
    mobile = serializers.CharField(max_length=20, label="手机号码")
    code = serializers.CharField(max_length=20, label="激活码")
    password = serializers.CharField(max_length=128, label="密码", trim_whitespace=False)


class ActivatedSerializer(serializers.Serializer):
    username = serializers.CharField(help_text="以后登录用的账号（手机号码）")


class ActivationCodeSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="激活码（只在此显示一次）")
    expires_at = serializers.DateTimeField()


class MyMembershipSerializer(serializers.ModelSerializer):
    union = serializers.SlugRelatedField(slug_field="code", read_only=True)
    union_name = serializers.CharField(source="union.name", read_only=True)
    enterprise = serializers.CharField(
        source="enterprise.name", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Membership
        fields = [
            "id",
            "union",
            "union_name",
            "enterprise",
            "card_number",
            "started_on",
            "start_reason",
            "ended_on",
            "end_reason",
        ]


class MeSerializer(serializers.ModelSerializer):
    mobile_masked = serializers.CharField(read_only=True)
    memberships = MyMembershipSerializer(many=True, read_only=True, source="history")

    class Meta:
        model = Person
        fields = ["id", "name", "id_masked", "mobile_masked", "memberships"]


class CardSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="二维码内容：签名的会员卡令牌（不含身份证号码）")
    name = serializers.CharField(help_text="姓名（遮蔽）")
    union = serializers.CharField(help_text="工会名称")
    event = serializers.IntegerField(allow_null=True, help_text="入场码对应的文体活动；会员卡为 null")
    expires_at = serializers.DateTimeField()


class CardQuerySerializer(serializers.Serializer):
    event = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, label="文体活动")


class VerifySerializer(serializers.Serializer):
    event = serializers.IntegerField(min_value=1, max_value=MAX_ID, label="文体活动")
    token = serializers.CharField(max_length=600, label="会员卡二维码内容")


class VerifiedSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="姓名（遮蔽）")
    union = serializers.CharField()
    expires_at = serializers.DateTimeField()
    registration = serializers.ChoiceField(
        choices=["confirmed", "waiting", "cancelled", "none"],
        help_text="持卡人在本次活动的报名状态（none：未报名或不在您的签到范围）",
    )
    checked_in = serializers.BooleanField()
    admits = serializers.BooleanField(help_text="可以入场签到")


class PublicKeySerializer(serializers.Serializer):
    algorithm = serializers.CharField()
    public_key = serializers.CharField(help_text="Ed25519 公钥（32字节，base64url）")


@extend_schema(tags=["self-service"])
class ActivateView(APIView):
    """A member sets their password with their mobile number and activation code (no sign-in)."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(request=ActivateSerializer, responses={201: ActivatedSerializer}, auth=[])
    def post(self, request):
        data = _valid(ActivateSerializer, request.data)
        user = services.activation_redeem(**data, ip=client_ip(request))
        return Response({"username": user.username}, status=201)


@extend_schema(tags=["self-service"])
class ActivationCodeView(APIView):
    """A union admin issues a member's activation code; the earlier unused one stops working."""

    @extend_schema(request=None, responses={201: ActivationCodeSerializer})
    def post(self, request, pk):
        person = get_or_404(Person.objects.writable_by(request.user), pk=pk)
        row, code = services.activation_code_issue(person=person, by=request.user)
        return Response({"code": services.printed(code), "expires_at": row.expires_at}, status=201)


@extend_schema(tags=["self-service"])
class MeView(APIView):
    """The signed-in worker's own record and membership history (ID number masked)."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        services.require_worker(request.user)
        person = request.user.person
        person.history = member_selectors.person_history(person)
        return Response(MeSerializer(person).data)


@extend_schema(tags=["self-service"])
class CardView(APIView):
    """The worker's member card (with `event`, the entry pass of an event they hold a seat at)."""

    @extend_schema(parameters=[CardQuerySerializer], responses=CardSerializer)
    def get(self, request):
        query = _valid(CardQuerySerializer, request.query_params)
        services.require_worker(request.user)
        event = (
            get_or_404(Event.objects.visible_to(request.user), pk=query["event"])
            if "event" in query
            else None
        )
        card, token = services.member_card(user=request.user, event=event)
        return Response(
            {
                "token": token,
                "name": card.name,
                "union": card.union,
                "event": card.event_id or None,
                "expires_at": card.expires_at,
            }
        )


@extend_schema(tags=["self-service"])
class CardVerifyView(APIView):
    """The door's check of a card, on the server: signed here, for this event, not expired, and the
    holder's registration among those the officer checks in. Checks nobody in."""

    @extend_schema(request=VerifySerializer, responses=VerifiedSerializer)
    def post(self, request):
        data = _valid(VerifySerializer, request.data)
        scope_of(request.user).require("events.checkin")
        event = get_or_404(Event.objects.visible_to(request.user), pk=data["event"])
        check = services.card_verify(token=data["token"], event=event, by=request.user)
        registration = check.registration
        return Response(
            {
                "name": check.card.name,
                "union": check.card.union,
                "expires_at": check.card.expires_at,
                "registration": registration.status if registration else "none",
                "checked_in": bool(registration and hasattr(registration, "check_in")),
                "admits": check.admits,
            }
        )


@extend_schema(tags=["self-service"])
class PublicKeyView(APIView):
    """The public key door phones check cards with (it cannot make one)."""

    @extend_schema(responses=PublicKeySerializer)
    def get(self, request):
        scope_of(request.user).require("events.checkin")
        return Response({"algorithm": "Ed25519", "public_key": cards.public_key_b64()})
