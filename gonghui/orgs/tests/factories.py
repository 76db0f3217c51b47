from datetime import date

import factory

from gonghui.demo.fake import Faker
from gonghui.orgs.models import Enterprise, Organisation
from gonghui.orgs.rollups import enterprises_changing, union_changing

fake = Faker(seed=7)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"T{n:04d}")
    name = factory.LazyAttribute(lambda o: f"测试{o.code}工会")
    kind = Organisation.Kind.ENTERPRISE_UNION
    established_on = date(2015, 1, 1)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        org = model_class(*args, **kwargs)
        org.place_in_tree()
        with union_changing(org):  # the unions' roll-up, as organisation_create keeps it
            org.save()
        return org


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    credit_code = factory.LazyFunction(fake.credit_code)
    industry = "锂电新能源"
    headcount = 120
    founded_on = date(2012, 1, 1)
    federation = factory.LazyAttribute(lambda o: o.union.parent if o.union else None)
    union = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        enterprise = model_class(*args, **kwargs)
        with enterprises_changing(Enterprise.objects.none()) as created:  # as enterprise_create keeps it
            enterprise.save()
            created.append(enterprise.pk)
        return enterprise
