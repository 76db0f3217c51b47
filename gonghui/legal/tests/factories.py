from datetime import date

from gonghui.accounts.models import User
from gonghui.core.roles import Role
from gonghui.legal import services
from gonghui.legal.models import Lawyer

FACTS = "申请人于2024年入职，公司拖欠三个月工资。"
_licence = iter(range(10**16, 10**17))


def lawyer_user(username: str) -> User:
    user = User(username=username, role=Role.LAWYER)
    user.set_password("Test-password-2025")
    user.save()
    return user


def make_lawyer(
    engaged_by, *, by, user=None, name="周律师", term=(date(2023, 1, 1), date(2026, 12, 31))
) -> Lawyer:
    return services.lawyer_create(
        user=user or lawyer_user(f"lawyer-{next(_licence)}"),
        name=name,
        firm="明月律师事务所",
        licence_number=str(next(_licence)),
        engaged_by=engaged_by,
        term_start=term[0],
        term_end=term[1],
        specialities=[Lawyer.Speciality.WAGES],
        by=by,
    )


def make_aid(org, person, *, by, applied_on=date(2024, 3, 4), **kwargs):
    return services.aid_apply(
        org=org, person=person, topic="wages", applied_on=applied_on, facts=kwargs.pop("facts", FACTS), by=by
    )


def make_dispute(org, person, *, by, received_on=date(2024, 5, 6), **kwargs):
    return services.dispute_receive(
        org=org,
        person=person,
        employer_name=kwargs.pop("employer_name", "甲锂电有限公司"),
        topic="wages",
        received_on=received_on,
        facts=kwargs.pop("facts", FACTS),
        by=by,
        **kwargs,
    )


def advance(case, action, *, by, on, **kwargs):
    return services.case_advance(case=case, action=action, by=by, on=on, **kwargs)
