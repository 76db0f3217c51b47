from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.validators import validate_credit_code

CODE_VALIDATOR = RegexValidator(r"^[A-Z0-9][A-Z0-9_-]{0,31}$", _("组织代码只能由大写字母、数字、- 和 _ 组成"))


class OrganisationQuerySet(models.QuerySet):
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

    def compute_path(self) -> str:
        return f"{self.parent.path if self.parent else '/'}{self.code}/"

    def is_within(self, root: "Organisation") -> bool:
        return self.path.startswith(root.path)


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
