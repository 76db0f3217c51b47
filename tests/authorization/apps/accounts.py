"""Sign-in steps, passwords and the security administrator's pages. Each administrator (三权分立)
reaches their own duty's pages only: the security administrator these, the audit administrator the
audit log (test_matrix), the system administrator Django's admin; the others get 404 or the admin's
sign-in page. The personas are signed in with force_login, second factor verified."""

from gonghui.accounts import second_factor
from gonghui.accounts.services import account_unlock, role_set
from gonghui.core.roles import Role
from tests.authorization.common import (
    FOUND,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    Call,
    Row,
    everyone,
    only,
)
from tests.authorization.world import SECURITY, WORKER


def _worker(w, side):
    return [w.users[WORKER].pk]


ROWS = {
    # verified already: the step passes through to the page asked for
    "accounts:second_factor": Row(get=everyone(FOUND), post=everyone(FOUND)),
    # a fresh second factor of one's own device: nobody in the matrix has one enrolled
    "accounts:step_up": Row(get=everyone(NOT_FOUND), post=everyone(NOT_FOUND)),
    # one's own device's codes, after a fresh second factor: nobody in the matrix has one enrolled
    "accounts:recovery_codes": Row(get=everyone(NOT_FOUND), post=everyone(NOT_FOUND)),
    "accounts:password_change": Row(get=everyone(OK), post=everyone(OK)),  # an empty body: the form again
    "accounts:security_users": Row(get=only({SECURITY}), post=only({SECURITY})),
    "accounts:security_user": Row(args=_worker, get=only({SECURITY}), post=only({SECURITY})),
    "accounts:security_reset": Row(
        args=_worker,
        get=everyone(NOT_ALLOWED, anonymous=NOT_ALLOWED),
        post=only({SECURITY}, yes=FOUND),
    ),
    "accounts:security_unlock": Row(
        args=_worker,
        get=everyone(NOT_ALLOWED, anonymous=NOT_ALLOWED),
        post=only({SECURITY}, yes=FOUND),
    ),
}

CALLS = {
    "role_set": Call(
        lambda w, by: role_set(user=w.users[WORKER], role=Role.LAWYER, organisation=None, by=by), SECURITY
    ),
    "second_factor_reset": Call(
        lambda w, by: second_factor.second_factor_reset(user=w.users[WORKER], by=by), SECURITY
    ),
    "account_unlock": Call(lambda w, by: account_unlock(user=w.users[WORKER], by=by), SECURITY),
}
