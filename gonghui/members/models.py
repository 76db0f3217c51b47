from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from gonghui.core import crypto
from gonghui.core.fields import BytewiseCharField
from gonghui.core.roles import Role
from gonghui.core.scope import OFFICER_REACH, OFFICERS, Reach, ScopedQuerySet, Visibility
from gonghui.core.validators import mask_mobile, mask_name


class MobileTail(models.Func):
    """The last four digits of a mobile number (always eleven digits): the key of a search by them.
    Written without parameters so that both databases match the query to its expression index."""

    template = "SUBSTR(%(expressions)s, 8, 4)"
    output_field = models.CharField()


def _with_a_reached_membership(scope) -> Q:
    """People with a membership, present or past, that the scope reaches."""
    return Q(Exists(Membership.objects.visible_to(scope).filter(person=OuterRef("pk"))))


class Person(models.Model):
    """One person, one record (实名制), keyed by the resident ID number.

    The number itself is stored encrypted; id_hash (a keyed HMAC) finds it and keeps it unique;
    id_masked (its last four characters) is what pages show. Of the birth date only the year is kept
    in the clear: with the masked number it leaves too many possible numbers to rebuild one
    (core.validators.mask_id); the full date is read from the number when a rule needs it.
    """

    class Gender(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    name = BytewiseCharField(_("姓名"), max_length=50)  # indexed in Meta
    name_initials = BytewiseCharField(_("拼音首字母"), max_length=50, editable=False)  # indexed in Meta
    name_pinyin = BytewiseCharField(_("姓名拼音"), max_length=200, editable=False)  # indexed in Meta
    id_hash = BytewiseCharField(max_length=64, editable=False)  # unique: Meta.constraints
    id_encrypted = models.TextField(editable=False)
    id_masked = models.CharField(_("公民身份号码"), max_length=18, editable=False)
    birth_year = models.PositiveSmallIntegerField(_("出生年份"), editable=False)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, editable=False)
    mobile = BytewiseCharField(_("手机号码"), max_length=11)  # indexed in Meta
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True)
    education = models.CharField(_("学历"), max_length=20, blank=True)
    occupation = models.CharField(_("工种"), max_length=50, blank=True)
    skill_level = models.CharField(_("技能等级"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("建档时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    # Officers see the people who are or were members where they reach; a worker sees themselves.
    visibility = Visibility(
        person="pk",
        read={
            Role.FEDERATION_STAFF: _with_a_reached_membership,
            Role.UNION_ADMIN: _with_a_reached_membership,
            Role.WORKER: Reach.PERSON,
        },
        write=OFFICERS,
        describe=dict.fromkeys(OFFICERS, "has a membership they reach"),
    )

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["name_pinyin", "id"]
        # Declared here rather than with unique=True / db_index=True on the fields: on PostgreSQL
        # those also build a second, varchar_pattern_ops index for LIKE on each column, which the
        # "C" collation of these columns makes unnecessary (BytewiseCharField). Each index is
        # written with every new person: a roster import of 100,000 people spent a third of its
        # person insert maintaining the unused ones.
        constraints = [models.UniqueConstraint(fields=["id_hash"], name="person_id_hash_unique")]
        # Each search reads one of these as a range in the order its page is sorted by (the id
        # last, for keyset pagination: members.selectors.member_search), so that a page costs the
        # same at ten million people as at ten thousand. PostgreSQL also has a trigram index on the
        # name (migration 0007) for a search by a part of it.
        indexes = [
            models.Index(fields=["name_pinyin", "id"], name="person_pinyin_order_idx"),
            models.Index(fields=["name_initials", "name_pinyin", "id"], name="person_initials_order_idx"),
            models.Index(fields=["mobile", "id"], name="person_mobile_order_idx"),
            models.Index(fields=["name", "id"], name="person_name_order_idx"),
            models.Index(MobileTail("mobile"), F("name_pinyin"), F("id"), name="person_mobile_tail_idx"),
        ]

    def __str__(self):
        return self.name

    def reveal_id_number(self) -> str:
        """The full number. Callers go through members.services.person_reveal_id, which audits."""
        return crypto.decrypt(self.id_encrypted)

    @property
    def mobile_masked(self) -> str:
        return mask_mobile(self.mobile)

    @property
    def name_masked(self) -> str:
        return mask_name(self.name)


class MembershipQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(ended_on__isnull=True)

    def active_on(self, day):
        """In force on that day: started by then and not ended by then (a membership that ends on a
        day — a transfer, leaving — is no longer in force on it; the next one starts that day)."""
        return self.filter(active_on(day))


def active_on(day, prefix: str = "") -> Q:
    """The condition of Membership.objects.active_on, for a query reaching memberships through prefix."""
    return Q(**{f"{prefix}started_on__lte": day}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gt": day})
    )


class Membership(models.Model):
    """A period of membership in one grassroots union; a person's memberships are their history."""

    class StartReason(models.TextChoices):
        JOINED = "joined", _("入会")
        TRANSFERRED_IN = "transferred_in", _("转入")

    class EndReason(models.TextChoices):
        TRANSFERRED_OUT = "transferred_out", _("转出")
        LEFT = "left", _("退会")

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="memberships"
    )
    union = models.ForeignKey(  # indexed by membership_union_active_idx, which starts with it
        "orgs.Organisation",
        verbose_name=_("工会"),
        on_delete=models.PROTECT,
        related_name="memberships",
        db_index=False,
    )
    enterprise = models.ForeignKey(
        "orgs.Enterprise",
        verbose_name=_("用工单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    card_number = models.CharField(_("会员证号"), max_length=32, blank=True)
    started_on = models.DateField(_("入会日期"))
    start_reason = models.CharField(
        _("入会方式"), max_length=20, choices=StartReason.choices, default=StartReason.JOINED
    )
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    end_reason = models.CharField(_("结束原因"), max_length=20, choices=EndReason.choices, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()
    visibility = Visibility(
        tree="union__path",
        union="union",
        person="person",
        read={**OFFICER_REACH, Role.WORKER: Reach.PERSON},
        write=OFFICERS,
    )

    class Meta:
        verbose_name = _("会员关系")
        verbose_name_plural = _("会员关系")
        ordering = ["person_id", "started_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(ended_on__isnull=True), name="one_active_membership"
            ),
            models.CheckConstraint(
                name="membership_ends_after_start",
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
            ),
            models.CheckConstraint(
                name="membership_end_reason_with_end",
                condition=models.Q(ended_on__isnull=True, end_reason="")
                | models.Q(ended_on__isnull=False) & ~models.Q(end_reason=""),
            ),
        ]
        indexes = [
            models.Index(fields=["union", "ended_on"], name="membership_union_active_idx"),
            models.Index(fields=["started_on"], name="membership_started_idx"),
            # The list of those who left: few beside the active, found without reading the others.
            models.Index(
                fields=["ended_on"], condition=Q(ended_on__isnull=False), name="membership_ended_idx"
            ),
        ]

    def __str__(self):
        return f"{self.person} @ {self.union}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


class MemberMonth(models.Model):
    """Memberships started and ended in a month within an organisation's subtree, and the new
    members of the subtree counted in that month (a person is counted in the month of their first
    start of the year that is not a transfer from inside the subtree). A roll-up kept by
    members.services, rebuilt by `gonghui rollups-rebuild` (gonghui.core.rollups, members.rollups).
    Members at the end of a month: started minus ended, summed up to that month."""

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # its first day
    started = models.IntegerField(default=0)
    ended = models.IntegerField(default=0)
    new = models.IntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(tree="organisation__path", union="organisation", read=OFFICER_REACH, write=())

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "month"], name="member_month_unique")]

    def __str__(self):
        return f"{self.organisation_id} {self.month:%Y-%m}"
