import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import _user
from gonghui.accounts.models import LoginFailure, User
from gonghui.core.models import AuditLog
from gonghui.core.roles import Role
from gonghui.core.scope import NotInScope
from gonghui.selfservice import services
from gonghui.selfservice.models import ActivationCode

pytestmark = pytest.mark.django_db

PASSWORD = "Neue-Passwort-2026"
IP = "10.0.0.7"


def redeem(member, code, password=PASSWORD, mobile=None):
    return services.activation_redeem(
        mobile=mobile or member.person.mobile, code=code, password=password, ip=IP
    )


def error_of(call) -> tuple[str, str]:
    with pytest.raises(ValidationError) as caught:
        call()
    ((field, messages),) = caught.value.message_dict.items()
    return field, " ".join(messages)


def test_a_union_admin_issues_a_code_that_is_stored_hashed_and_audited(admin_a, member_a):
    row, code = services.activation_code_issue(person=member_a.person, by=admin_a)
    assert len(code) == 10 and set(code) <= set(services.ALPHABET)
    assert code not in row.code_hash and row.code_hash != code
    assert row.expires_at - row.issued_at == timedelta(days=7)
    entry = AuditLog.objects.get(action="selfservice.activation_issue")
    assert entry.actor_id == admin_a.pk and code not in str(entry.detail)


@pytest.mark.parametrize("outsider", ["admin_b", "worker"])
def test_only_the_members_own_officers_issue_codes(request, member_a, outsider):
    with pytest.raises(NotInScope):
        services.activation_code_issue(person=member_a.person, by=request.getfixturevalue(outsider))
    assert not ActivationCode.objects.exists()


def test_a_member_activates_once_and_signs_in_with_mobile_and_password(admin_a, member_a, client):
    _row, code = services.activation_code_issue(person=member_a.person, by=admin_a)
    user = redeem(member_a, services.printed(code).lower())  # as typed: lower case, with the hyphen
    assert user.username == member_a.person.mobile and user.role == Role.WORKER
    assert user.person_id == member_a.person_id and user.check_password(PASSWORD)
    assert client.login(username=member_a.person.mobile, password=PASSWORD)
    assert AuditLog.objects.filter(action="selfservice.activate", actor_id=user.pk).exists()

    field, message = error_of(lambda: redeem(member_a, code))
    assert field == "code" and "已经使用过" in message
    assert LoginFailure.objects.filter(username=member_a.person.mobile).count() == 1


def test_a_new_code_replaces_the_old_and_resets_a_lost_password(admin_a, member_a):
    _row, first = services.activation_code_issue(person=member_a.person, by=admin_a)
    redeem(member_a, first)
    _row, second = services.activation_code_issue(person=member_a.person, by=admin_a)
    _row, third = services.activation_code_issue(person=member_a.person, by=admin_a)
    assert "已作废" in error_of(lambda: redeem(member_a, second))[1]
    user = redeem(member_a, third, password="Anderes-Passwort-77")
    assert User.objects.filter(person=member_a.person).count() == 1
    assert user.check_password("Anderes-Passwort-77")


def test_an_expired_or_wrong_code_is_refused_in_chinese_and_counts_toward_the_lockout(admin_a, member_a):
    row, code = services.activation_code_issue(person=member_a.person, by=admin_a)
    ActivationCode.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    field, message = error_of(lambda: redeem(member_a, code))
    assert field == "code" and "已于" in message and "过期" in message
    assert "手机号码或激活码不正确" in error_of(lambda: redeem(member_a, "ABCDEFGHJK"))[1]
    assert "不正确" in error_of(lambda: redeem(member_a, code, mobile="13000000000"))[1]
    assert LoginFailure.objects.filter(username=member_a.person.mobile).count() == 2
    assert AuditLog.objects.filter(action="selfservice.activation_failed").count() == 3
    assert not User.objects.filter(person=member_a.person).exists()


def test_five_failures_lock_the_number_even_for_the_right_code(admin_a, member_a):
    _row, code = services.activation_code_issue(person=member_a.person, by=admin_a)
    for _attempt in range(5):
        error_of(lambda: redeem(member_a, "ZZZZZZZZZZ"))
    field, message = error_of(lambda: redeem(member_a, code))
    assert field == "code" and "锁定" in message
    assert LoginFailure.objects.count() == 5  # the refused attempt is not a failure
    assert not User.objects.filter(person=member_a.person).exists()


def test_a_weak_password_keeps_the_code_unused_and_is_no_failure(admin_a, member_a):
    row, code = services.activation_code_issue(person=member_a.person, by=admin_a)
    field, message = error_of(lambda: redeem(member_a, code, password="short"))
    assert field == "password" and message
    row.refresh_from_db()
    assert row.used_at is None and not LoginFailure.objects.exists()
    redeem(member_a, code)


def test_an_officers_sign_in_is_never_reset_by_a_code(admin_a, member_a, union_a):
    officer = _user("chair", Role.UNION_ADMIN, union_a, person=member_a.person)
    _row, code = services.activation_code_issue(person=member_a.person, by=admin_a)
    assert "工作人员账号" in error_of(lambda: redeem(member_a, code))[1]
    officer.refresh_from_db()
    assert officer.check_password("Test-password-2025")


def test_the_page_activates_and_signs_in(admin_a, member_a, client):
    _row, code = services.activation_code_issue(person=member_a.person, by=admin_a)
    form = {"mobile": member_a.person.mobile, "code": code, "password": PASSWORD, "password_again": PASSWORD}
    response = client.post("/me/activate/", form)
    assert response.status_code == 302 and response["Location"] == "/me/"
    assert client.get("/me/").status_code == 200
    client.logout()
    again = client.post("/me/activate/", form)
    assert again.status_code == 200
    assert "该激活码已经使用过" in again.content.decode()
    mismatch = client.post("/me/activate/", form | {"password_again": "Other-Password-1"})
    assert "两次输入的密码不一致" in mismatch.content.decode()


def test_the_officer_page_shows_the_code_once(admin_a, admin_b, member_a, client):
    client.force_login(admin_a)
    url = f"/me/activation-code/{member_a.person_id}/"
    assert "尚未为该会员发放激活码" in client.get(url).content.decode()
    shown = client.post(url).content.decode()
    row = ActivationCode.objects.get()
    code = re.search(r'id="activation-code">([A-Z0-9]{5}-[A-Z0-9]{5})<', shown).group(1)
    assert "/me/activate/" in shown
    assert "未使用" in client.get(url).content.decode()
    assert 'id="activation-code"' not in client.get(url).content.decode()
    assert row.issued_by == admin_a
    client.force_login(admin_b)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert ActivationCode.objects.count() == 1
    client.logout()
    assert redeem(member_a, code).username == member_a.person.mobile


def test_the_sign_in_page_leads_a_new_member_to_activation(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/me/activate/"' in page and "激活码" in page
