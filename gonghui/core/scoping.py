"""Which rows may this user see or change. Every view, export, command and API call asks here.

Reaching another scope's object answers 404, never 403, so ids cannot be probed.
"""

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from gonghui.accounts.models import Role, User
from gonghui.activities.models import Activity, WelfareDistribution
from gonghui.core.models import AuditLog
from gonghui.coverage.models import Campaign, Founding, GuidanceVisit, Target
from gonghui.members.models import Membership, Person
from gonghui.orgs.models import Enterprise, Officer, Organisation


def is_platform_admin(user) -> bool:
    return user.is_authenticated and user.is_platform_admin


def is_federation_staff(user) -> bool:
    return user.is_authenticated and user.role == Role.FEDERATION_STAFF and user.organisation_id is not None


def is_union_admin(user) -> bool:
    return user.is_authenticated and user.role == Role.UNION_ADMIN and user.organisation_id is not None


def is_officer(user) -> bool:
    """Federation staff, union admins and platform admins: those who keep rosters."""
    return is_platform_admin(user) or is_federation_staff(user) or is_union_admin(user)


def visible_organisations(user) -> QuerySet[Organisation]:
    """Federation staff: their subtree. Union admins: their union. Others: none."""
    qs = Organisation.objects.all()
    if is_platform_admin(user):
        return qs
    if is_federation_staff(user):
        return qs.subtree(user.organisation)
    if is_union_admin(user):
        return qs.filter(pk=user.organisation_id)
    return qs.none()


def managed_unions(user) -> QuerySet[Organisation]:
    """Grassroots unions whose roster this user may change (join, transfer, leave)."""
    return visible_organisations(user).grassroots()


def visible_enterprises(user) -> QuerySet[Enterprise]:
    qs = Enterprise.objects.all()
    if is_platform_admin(user):
        return qs
    if is_federation_staff(user):
        root = user.organisation.path
        return qs.filter(federation__path__startswith=root) | qs.filter(union__path__startswith=root)
    if is_union_admin(user):
        return qs.filter(union_id=user.organisation_id)
    return qs.none()


def visible_memberships(user) -> QuerySet[Membership]:
    """Memberships held in a union the user may see; a worker sees their own."""
    qs = Membership.objects.all()
    if is_platform_admin(user):
        return qs
    if is_federation_staff(user):
        return qs.filter(union__path__startswith=user.organisation.path)
    if is_union_admin(user):
        return qs.filter(union_id=user.organisation_id)
    if user.is_authenticated and user.person_id:
        return qs.filter(person_id=user.person_id)
    return qs.none()


def visible_people(user) -> QuerySet[Person]:
    """People who are or were members of a union in the user's scope; a worker sees only themselves."""
    qs = Person.objects.all()
    if is_platform_admin(user):
        return qs
    if is_federation_staff(user) or is_union_admin(user):
        in_scope = visible_memberships(user).filter(person_id=OuterRef("pk"))
        return qs.filter(Exists(in_scope))
    if user.is_authenticated and user.person_id:
        return qs.filter(pk=user.person_id)
    return qs.none()


def may_reveal_id_number(user) -> bool:
    """Who may see a full ID number (each reveal is audited): officers of the person's union or above."""
    return is_platform_admin(user) or is_federation_staff(user) or is_union_admin(user)


def get_or_404(queryset: QuerySet, **lookup):
    """The one way a view reaches a single object: through a scoped queryset."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError):
        raise Http404 from None


def may_read_audit_log(user) -> bool:
    return is_platform_admin(user) or is_federation_staff(user)


def visible_audit_log(user) -> QuerySet[AuditLog]:
    """Platform admins: everything. Federation staff: what users of their subtree did."""
    qs = AuditLog.objects.all()
    if is_platform_admin(user):
        return qs
    if is_federation_staff(user):
        in_subtree = User.objects.filter(
            pk=OuterRef("actor_id"), organisation__path__startswith=user.organisation.path
        )
        return qs.filter(Exists(in_subtree))
    return qs.none()


def transfer_targets(user) -> QuerySet[Organisation]:
    """Unions a member may be transferred to: for a union admin, the unions under the same federation."""
    if is_union_admin(user):
        parent = user.organisation.parent
        qs = Organisation.objects.subtree(parent) if parent else Organisation.objects.none()
        return qs.grassroots().filter(dissolved_on__isnull=True).exclude(pk=user.organisation_id)
    return managed_unions(user).filter(dissolved_on__isnull=True)


# --- union activities, welfare distributions and reports (gonghui.activities, gonghui.reports) ---


def visible_activities(user) -> QuerySet[Activity]:
    """Activities organised in the user's scope: federation staff their subtree, a union admin their union."""
    qs = Activity.objects.all()
    if is_platform_admin(user):
        return qs
    if is_federation_staff(user):
        return qs.filter(organiser__path__startswith=user.organisation.path)
    if is_union_admin(user):
        return qs.filter(organiser_id=user.organisation_id)
    return qs.none()


def activity_organisers(user) -> QuerySet[Organisation]:
    """Organisations the user may organise an activity for: those they see, not dissolved."""
    return visible_organisations(user).filter(dissolved_on__isnull=True)


def visible_welfare_distributions(user) -> QuerySet[WelfareDistribution]:
    """Welfare distributions of the grassroots unions the user manages."""
    qs = WelfareDistribution.objects.all()
    if is_platform_admin(user):
        return qs
    if is_federation_staff(user) or is_union_admin(user):
        return qs.filter(union__in=managed_unions(user))
    return qs.none()


def may_sign_off_welfare(user, union: Organisation) -> bool:
    """An officer of the union (its admin) or of a federation above it; never a worker."""
    return managed_unions(user).filter(pk=union.pk).exists()


def may_read_reports(user) -> bool:
    return is_platform_admin(user) or is_federation_staff(user)


def report_roots(user) -> QuerySet[Organisation]:
    """Organisations whose figures the user may read: federation staff their subtree, platform admins all."""
    if may_read_reports(user):
        return visible_organisations(user)
    return Organisation.objects.none()


# Union coverage: campaigns, foundings, guidance visits, officers.


def visible_campaigns(user) -> QuerySet[Campaign]:
    """Campaigns of a federation in the user's subtree; union admins and workers see none."""
    qs = Campaign.objects.all()
    if is_platform_admin(user):
        return qs
    if is_federation_staff(user):
        return qs.filter(federation__path__startswith=user.organisation.path)
    return qs.none()


def visible_foundings(user) -> QuerySet[Founding]:
    """Federation staff: foundings of enterprises in their subtree. A union admin: the founding of their union."""
    qs = Founding.objects.all()
    if is_platform_admin(user):
        return qs
    if is_federation_staff(user):
        return qs.filter(enterprise__in=visible_enterprises(user))
    if is_union_admin(user):
        return qs.filter(union_id=user.organisation_id)
    return qs.none()


def may_run_foundings(user) -> bool:
    """Who records founding steps: federation staff (for an enterprise without a union there is no union
    account yet; the officer guiding it records the preparatory group's steps). See coverage.services."""
    return is_federation_staff(user)


def visible_visits(user) -> QuerySet[GuidanceVisit]:
    return GuidanceVisit.objects.filter(enterprise__in=visible_enterprises(user))


def visible_officers(user) -> QuerySet[Officer]:
    return Officer.objects.filter(union__in=visible_organisations(user))


def visible_targets(user) -> QuerySet[Target]:
    return Target.objects.filter(campaign__in=visible_campaigns(user))


def federation_staff_of(organisation: Organisation) -> QuerySet[User]:
    """Active federation staff of an organisation's subtree: who may be put in charge of a target or
    named on a guidance visit."""
    return User.objects.filter(
        is_active=True, role=Role.FEDERATION_STAFF, organisation__path__startswith=organisation.path
    )


class SystemActor:
    """The command line run without --as: the server's operator, who holds the database anyway.

    Scoped like a platform admin; the audit log records the operating-system user.
    """

    is_authenticated = True
    is_active = True
    is_superuser = True
    is_platform_admin = True
    role = Role.PLATFORM_ADMIN
    organisation_id = None
    person_id = None
    pk = None

    def __init__(self, username: str):
        self.username = f"system:{username}"

    def get_username(self) -> str:
        return self.username


def visible_import_jobs(user):
    """Roster imports of the unions this user manages (federation staff: their subtree's)."""
    from gonghui.rosters.models import ImportJob

    return ImportJob.objects.filter(union__in=managed_unions(user))
