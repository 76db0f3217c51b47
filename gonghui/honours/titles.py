"""The titles every register starts with. They are rows (federations may add theirs); this module
puts the standard ones back after each migrate and each flush (post_migrate), as Django's
contenttypes does with its own rows."""

TITLES = [
    ("labour_model", "劳动模范", "person", 10),
    ("may_day_medal", "五一劳动奖章", "person", 20),
    ("craftsman", "工匠", "person", 30),
    ("technical_expert", "技术能手", "person", 40),
    ("model_workers_home", "模范职工之家", "organisation", 50),
    ("advanced_union", "先进基层工会", "organisation", 60),
]


def ensure_titles(sender=None, using="default", **kwargs) -> None:
    from gonghui.honours.models import HonourTitle

    known = set(HonourTitle.objects.using(using).values_list("code", flat=True))
    HonourTitle.objects.using(using).bulk_create(
        HonourTitle(code=code, name=name, holder=holder, order=order)
        for code, name, holder, order in TITLES
        if code not in known
    )
