from datetime import date

import pytest
from django.core.exceptions import ValidationError

from gonghui.core.models import AuditLog
from gonghui.demo.fake import Faker
from gonghui.members.tests.factories import SETUP
from gonghui.orgs.models import Enterprise, Organisation
from gonghui.orgs.services import (
    enterprise_create,
    enterprise_update,
    organisation_create,
    organisation_dissolve,
)

pytestmark = pytest.mark.django_db
fake = Faker(3)


def test_organisations_get_a_path_and_the_subtree_is_one_prefix_query(
    zone, union_a, union_b, django_assert_num_queries
):
    joint = organisation_create(
        code="J1",
        name="联合工会",
        kind=Organisation.Kind.JOINT_UNION,
        parent=zone,
        established_on=date(2020, 1, 1),
        by=SETUP,
    )
    assert joint.path == "/CITY/ZONE/J1/" and joint.depth == 2
    with django_assert_num_queries(1):
        codes = sorted(Organisation.objects.subtree(zone).values_list("code", flat=True))
    assert codes == ["J1", "UA", "UB", "ZONE"]
    assert AuditLog.objects.filter(action="organisation.create", object_id=str(joint.pk)).exists()


def test_a_grassroots_union_cannot_have_children(union_a):
    with pytest.raises(ValidationError, match="不能设立"):
        organisation_create(
            code="X1", name="x", kind=Organisation.Kind.ENTERPRISE_UNION, parent=union_a, by=SETUP
        )


def test_codes_are_validated_and_unique(zone, union_a):
    with pytest.raises(ValidationError) as excinfo:
        organisation_create(
            code="ua", name="x", kind=Organisation.Kind.ENTERPRISE_UNION, parent=zone, by=SETUP
        )
    assert "code" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        organisation_create(
            code="UA", name="x", kind=Organisation.Kind.ENTERPRISE_UNION, parent=zone, by=SETUP
        )


def test_a_union_with_active_members_cannot_be_dissolved(member_a, union_a):
    with pytest.raises(ValidationError, match="在册会员"):
        organisation_dissolve(organisation=union_a, on=date(2024, 6, 1), by=SETUP)


def test_enterprise_credit_code_is_checked_and_nothing_is_saved(zone):
    code = fake.credit_code()
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(ValidationError) as excinfo:
        enterprise_create(name="甲", credit_code=wrong, federation=zone, by=SETUP)
    assert excinfo.value.message_dict["credit_code"] == ["统一社会信用代码校验位错误"]
    assert not Enterprise.objects.exists()


def test_an_enterprise_belongs_to_a_grassroots_union_only(zone, union_a):
    enterprise = enterprise_create(
        name="甲", credit_code=fake.credit_code(), federation=zone, headcount=150, by=SETUP
    )
    assert enterprise.is_large and "百人以上企业" in enterprise.categories()
    with pytest.raises(ValidationError, match="基层工会"):
        enterprise_update(enterprise=enterprise, union=zone, by=SETUP)
    enterprise_update(enterprise=enterprise, union=union_a, by=SETUP)
    entry = AuditLog.objects.filter(action="enterprise.update").get()
    assert entry.detail["changed"]["union"][1] == "甲公司工会"
