import factory

from ponte.core.models import Publication
from ponte.factories import CityFactory
from ponte.funding.models import Call, Participation, Programme, Project


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    city = factory.SubFactory(CityFactory)
    slug = factory.Sequence(lambda n: f"programme-{n}")
    name = factory.Sequence(lambda n: f"Programme {n}")
    kind = Programme.Kind.DIRECT


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    city = factory.SubFactory(CityFactory)
    identifier = factory.Sequence(lambda n: f"CALL-{n}")
    title = factory.Sequence(lambda n: f"Call {n}")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    programme = factory.SubFactory(ProgrammeFactory)
    city = factory.LazyAttribute(lambda p: p.programme.city)
    publication = Publication.PUBLISHED
    title = factory.Sequence(lambda n: f"Project {n}")
    acronym = factory.Sequence(lambda n: f"PRJ{n}")


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    project = factory.SubFactory(ProjectFactory)
    city = factory.LazyAttribute(lambda p: p.project.city)
    organisation = factory.SubFactory("ponte.factories.OrganisationFactory", city=factory.SelfAttribute("..city"))
