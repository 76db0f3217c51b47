from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.scope import OFFICER_REACH, OFFICERS, ScopedQuerySet, Visibility
from gonghui.core.validators import validate_credit_code

CODE_VALIDATOR = RegexValidator(r"^[A-Z0-9][A-Z0-9_-]{0,31}$", _("组织代码只能由大写字母、数字、- 和 _ 组成"))


class OrganisationQuerySet(ScopedQuerySet):
    def subtree(self, root: "Organisation"):
        """root and everything under it, by the materialised path (one indexed prefix query)."""
        return self.filter(path__startswith=root.path)

    def grassroots(self):
        return self.filter(kind__in=Organisation.GRASSROOTS_KINDS)


class Organisation(models.Model):
    """A node of the union tree: city federation → zone federation → grassroots unions."""

    class Kind(models.TextChoices):
        CITY_FEDERATION = "city_federation", _("市总工会")
        ZONE_FEDERATION = "zone_federation", _("园区总工会")
        ENTERPRISE_UNION = "enterprise_union", _("企业工会")
        JOINT_UNION = "joint_union", _("联合工会")

    GRASSROOTS_KINDS = (Kind.ENTERPRISE_UNION, Kind.JOINT_UNION)
    FEDERATION_KINDS = (Kind.CITY_FEDERATION, Kind.ZONE_FEDERATION)

    code = models.CharField(_("组织代码"), max_length=32, unique=True, validators=[CODE_VALIDATOR])
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # "/CITY/ZONE/U0001/": every ancestor's code; a subtree is one prefix query.
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    established_on = models.DateField(_("成立日期"), null=True, blank=True)
    dissolved_on = models.DateField(_("撤销日期"), null=True, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)

    objects = OrganisationQuerySet.as_manager()
    # Federation staff reach their subtree, a union admin their union; both may act for what they reach.
    visibility = Visibility(tree="path", union="pk", read=OFFICER_REACH, write=OFFICERS)

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        ordering = ["path"]
        indexes = [models.Index(fields=["kind", "established_on"], name="org_kind_established_idx")]
        constraints = [
            models.CheckConstraint(
                name="org_dissolved_after_established",
                condition=models.Q(dissolved_on__isnull=True)
                | models.Q(established_on__isnull=True)
                | models.Q(dissolved_on__gte=models.F("established_on")),
            )
        ]

    def __str__(self):
        return self.name

    @property
    def is_grassroots(self) -> bool:
        return self.kind in self.GRASSROOTS_KINDS

    @property
    def is_federation(self) -> bool:
        return self.kind in self.FEDERATION_KINDS

    def place_in_tree(self) -> None:
        """Sets the materialised path and depth from the parent's; call before the first save."""
        self.path = f"{self.parent.path if self.parent else '/'}{self.code}/"
        self.depth = self.path.count("/") - 2


class Enterprise(models.Model):
    """An employer (用工单位). It belongs to at most one grassroots union."""

    name = models.CharField(_("企业名称"), max_length=200, db_index=True)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    industry = models.CharField(_("行业"), max_length=50, blank=True)
    headcount = models.PositiveIntegerField(_("职工人数"), default=0)
    founded_on = models.DateField(_("企业成立日期"), null=True, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    is_key = models.BooleanField(_("重点企业"), default=False)
    is_new_employment_form = models.BooleanField(_("新就业形态企业"), default=False)
    federation = models.ForeignKey(
        Organisation, verbose_name=_("属地总工会"), on_delete=models.PROTECT, related_name="area_enterprises"
    )
    union = models.ForeignKey(
        Organisation,
        verbose_name=_("所属基层工会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
    )

    LARGE_HEADCOUNT = 100

    objects = ScopedQuerySet.as_manager()
    # An enterprise hangs from the federation of its area and, once organised, from its union.
    visibility = Visibility(
        tree=("federation__path", "union__path"), union="union", read=OFFICER_REACH, write=OFFICERS
    )

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_large(self) -> bool:
        return self.headcount >= self.LARGE_HEADCOUNT

    def categories(self) -> list[str]:
        labels = []
        if self.is_key:
            labels.append(_("重点企业"))
        if self.is_large:
            labels.append(_("百人以上企业"))
        if self.is_new_employment_form:
            labels.append(_("新就业形态企业"))
        return labels


class OfficerQuerySet(ScopedQuerySet):
    def current(self):
        """Officers still in office (not stood down). A term that has run out stays current until 换届."""
        return self.filter(ended_on__isnull=True)


class Officer(models.Model):
    """A member holding an office of a grassroots union for a term (主席, 委员, 经审会, 女职工委员会…).

    The union's term (届) is the chair's; when it has run out without a new election (换届) the union
    page says so. Officers are appointed by orgs.services.officer_appoint, which checks that the person
    is a member of the union and that the term ends after it starts.
    """

    class Role(models.TextChoices):
        CHAIR = "chair", _("主席")
        VICE_CHAIR = "vice_chair", _("副主席")
        COMMITTEE = "committee", _("委员")
        AUDIT_CHAIR = "audit_chair", _("经费审查委员会主任")
        AUDIT_MEMBER = "audit_member", _("经费审查委员会委员")
        WOMEN_CHAIR = "women_chair", _("女职工委员会主任")
        WOMEN_MEMBER = "women_member", _("女职工委员会委员")

    COMMITTEE_ROLES = (Role.CHAIR, Role.VICE_CHAIR, Role.COMMITTEE)
    AUDIT_ROLES = (Role.AUDIT_CHAIR, Role.AUDIT_MEMBER)
    WOMEN_ROLES = (Role.WOMEN_CHAIR, Role.WOMEN_MEMBER)
    # Offices held by one person only at a time within a union.
    SINGLE_ROLES = (Role.CHAIR, Role.AUDIT_CHAIR, Role.WOMEN_CHAIR)

    union = models.ForeignKey(
        Organisation, verbose_name=_("工会"), on_delete=models.PROTECT, related_name="officers"
    )
    person = models.ForeignKey(
        "members.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="offices"
    )
    role = models.CharField(_("职务"), max_length=20, choices=Role.choices)
    term_start = models.DateField(_("任期开始"))
    term_end = models.DateField(_("任期届满"))
    ended_on = models.DateField(_("卸任日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OfficerQuerySet.as_manager()
    visibility = Visibility(tree="union__path", union="union", read=OFFICER_REACH, write=OFFICERS)

    class Meta:
        verbose_name = _("工会干部")
        verbose_name_plural = _("工会干部")
        ordering = ["union_id", "term_start", "id"]
        constraints = [
            models.CheckConstraint(
                name="officer_term_ends_after_start", condition=models.Q(term_end__gt=models.F("term_start"))
            ),
            models.CheckConstraint(
                name="officer_ended_after_start",
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("term_start")),
            ),
            models.UniqueConstraint(
                fields=["union", "role"],
                condition=models.Q(ended_on__isnull=True, role__in=["chair", "audit_chair", "women_chair"]),
                name="officer_one_current_head",
            ),
            models.UniqueConstraint(
                fields=["union", "person", "role"],
                condition=models.Q(ended_on__isnull=True),
                name="officer_one_current_role_per_person",
            ),
        ]
        indexes = [models.Index(fields=["union", "ended_on"], name="officer_union_current_idx")]

    def __str__(self):
        return f"{self.union} {self.get_role_display()} {self.person}"

    @property
    def body(self) -> str:
        if self.role in self.AUDIT_ROLES:
            return "audit"
        if self.role in self.WOMEN_ROLES:
            return "women"
        return "committee"


class UnionMonth(models.Model):
    """Grassroots unions established and dissolved in a month within an organisation's subtree (a
    roll-up kept by orgs.services, rebuilt by `gonghui rollups-rebuild`; see gonghui.core.rollups).
    Unions standing at the end of a month: established minus dissolved, summed up to that month."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # its first day
    established = models.IntegerField(default=0)
    dissolved = models.IntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(tree="organisation__path", union="organisation", read=OFFICER_REACH, write=())

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "month"], name="union_month_unique")]

    def __str__(self):
        return f"{self.organisation_id} {self.month:%Y-%m}"


class EnterpriseMonth(models.Model):
    """The campaign's target enterprises (key, 100 or more workers, new forms of employment — by
    their current record) of an organisation's subtree, by month: targets, by the month the
    enterprise was founded (month empty: no founding date, a target in every month); covered_started
    and covered_ended, by the months a target starts and stops having a standing union (the later of
    the enterprise's and the union's founding; the union's dissolution). A roll-up kept by
    orgs.services, rebuilt by `gonghui rollups-rebuild` (gonghui.core.rollups, orgs.rollups). Targets
    at the end of a month: targets summed up to that month and the undated; covered: covered_started
    minus covered_ended summed up to that month. The same three again for each category of target
    (key_…, large_…, new_form_…; an enterprise in two categories counts in both)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(null=True)  # its first day
    targets = models.IntegerField(default=0)
    covered_started = models.IntegerField(default=0)
    covered_ended = models.IntegerField(default=0)
    key_targets = models.IntegerField(default=0)
    key_covered_started = models.IntegerField(default=0)
    key_covered_ended = models.IntegerField(default=0)
    large_targets = models.IntegerField(default=0)
    large_covered_started = models.IntegerField(default=0)
    large_covered_ended = models.IntegerField(default=0)
    new_form_targets = models.IntegerField(default=0)
    new_form_covered_started = models.IntegerField(default=0)
    new_form_covered_ended = models.IntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(tree="organisation__path", union="organisation", read=OFFICER_REACH, write=())

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "month"], name="enterprise_month_unique")
        ]

    def __str__(self):
        return f"{self.organisation_id} {self.month:%Y-%m}" if self.month else f"{self.organisation_id}"
