"""factory_boy factories for tests and benchmarks. Children take their parent's city."""

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from ponte.core.models import City, Membership, Organisation, Person, Publication
from ponte.plan.models import Action, Axis, AxisItem, Indicator, IndicatorValue, Line, MacroArea, Milestone, Plan


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"citta-{n}")
    name = factory.Sequence(lambda n: f"Città {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("pw-for-tests")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    city = factory.SubFactory(CityFactory)
    slug = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.CITY_OFFICE


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    city = factory.SubFactory(CityFactory)
    slug = factory.Sequence(lambda n: f"person-{n}")
    full_name = factory.Sequence(lambda n: f"Person {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    city = factory.SubFactory(CityFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.VIEWER


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    city = factory.SubFactory(CityFactory)
    slug = factory.Sequence(lambda n: f"plan-{n}")
    title = "Piano di prova"
    start_year, end_year = 2024, 2027


class MacroAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MacroArea

    plan = factory.SubFactory(PlanFactory, city=factory.SelfAttribute("..city"))
    city = factory.SubFactory(CityFactory)
    code = factory.Sequence(lambda n: f"M{n}")
    title = factory.Sequence(lambda n: f"Macro area {n}")


class LineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Line

    city = factory.SubFactory(CityFactory)
    macro_area = factory.SubFactory(MacroAreaFactory, city=factory.SelfAttribute("..city"))
    code = factory.Sequence(lambda n: f"L{n}")
    title = factory.Sequence(lambda n: f"Line {n}")


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    line = factory.SubFactory(LineFactory)
    city = factory.LazyAttribute(lambda a: a.line.city)
    publication = Publication.PUBLISHED
    code = factory.Sequence(lambda n: f"A{n}")
    title = factory.Sequence(lambda n: f"Action {n}")
    weight = Decimal("1")


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    action = factory.SubFactory(ActionFactory)
    city = factory.LazyAttribute(lambda m: m.action.city)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due_date = factory.Faker("date_between", start_date="-1y", end_date="+1y")


class AxisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Axis

    city = factory.SubFactory(CityFactory)
    slug = factory.Sequence(lambda n: f"axis-{n}")
    name = factory.Sequence(lambda n: f"Axis {n}")


class AxisItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AxisItem

    axis = factory.SubFactory(AxisFactory)
    city = factory.LazyAttribute(lambda i: i.axis.city)
    code = factory.Sequence(lambda n: f"{n}")
    name = factory.Sequence(lambda n: f"Item {n}")


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    action = factory.SubFactory(ActionFactory)
    city = factory.LazyAttribute(lambda i: i.action.city)
    publication = Publication.PUBLISHED
    plan = factory.LazyAttribute(lambda i: i.action.line.macro_area.plan)
    code = factory.Sequence(lambda n: f"IND-{n}")
    name = factory.Sequence(lambda n: f"Indicator {n}")
    unit = "n."


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorValue

    indicator = factory.SubFactory(IndicatorFactory)
    city = factory.LazyAttribute(lambda v: v.indicator.city)
    reference_date = factory.Faker("date_between", start_date="-3y", end_date="today")
    value = factory.Faker("pydecimal", left_digits=4, right_digits=2, positive=True)
