"""What the API shows of each resource: never an ID number in clear (the masked form only; a reveal
is its own audited action), never more than the pages show the same user."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from gonghui.api.models import ApiToken
from gonghui.members.models import Membership, Person
from gonghui.orgs.models import Enterprise, Organisation


class OrganisationSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Organisation
        fields = ["code", "name", "kind", "parent", "established_on", "dissolved_on", "address"]


class EnterpriseSerializer(serializers.ModelSerializer):
    federation = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    union = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "name",
            "credit_code",
            "industry",
            "headcount",
            "is_key",
            "is_new_employment_form",
            "federation",
            "union",
        ]


class PersonSerializer(serializers.ModelSerializer):
    mobile_masked = serializers.CharField(read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "id_masked",
            "gender",
            "birth_year",
            "mobile_masked",
            "education",
            "occupation",
        ]


class RevealedIdSerializer(serializers.Serializer):
    id_number = serializers.CharField()


class MembershipSerializer(serializers.ModelSerializer):
    person = PersonSerializer(read_only=True)
    union = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    enterprise = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "person",
            "union",
            "enterprise",
            "card_number",
            "started_on",
            "start_reason",
            "ended_on",
            "end_reason",
            "is_active",
        ]


class JoinSerializer(serializers.Serializer):
    union = serializers.CharField(label=_("工会代码"), max_length=32)
    id_number = serializers.CharField(label=_("公民身份号码"), max_length=32)
    name = serializers.CharField(label=_("姓名"), max_length=50)
    mobile = serializers.CharField(label=_("手机号码"), max_length=20)
    started_on = serializers.DateField(label=_("入会日期"))
    enterprise = serializers.IntegerField(label=_("工作单位"), required=False, allow_null=True)
    card_number = serializers.CharField(label=_("会员证号"), max_length=32, required=False, allow_blank=True)


class TransferSerializer(serializers.Serializer):
    to_union = serializers.CharField(label=_("转入工会代码"), max_length=32)
    on = serializers.DateField(label=_("转出日期"))
    enterprise = serializers.IntegerField(label=_("新工作单位"), required=False, allow_null=True)
    note = serializers.CharField(label=_("备注"), max_length=200, required=False, allow_blank=True)


class LeaveSerializer(serializers.Serializer):
    on = serializers.DateField(label=_("退会日期"))
    note = serializers.CharField(label=_("备注"), max_length=200, required=False, allow_blank=True)


class KpiQuerySerializer(serializers.Serializer):
    org = serializers.CharField(label=_("组织代码"), max_length=32)
    year = serializers.IntegerField(label=_("年度"), min_value=1900, max_value=9999)


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "expires_at", "revoked_at", "last_used_at"]
