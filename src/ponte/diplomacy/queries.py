from django.db.models import Prefetch

from ponte.core.models import FollowUp

from .models import Candidacy, Mission, NetworkMembership, Relation, Representation


def relation_list(city):
    return (
        Relation.objects.for_city(city)
        .select_related("city", "partner", "responsible_office")
        .prefetch_related("themes")
    )


def membership_list(city):
    return NetworkMembership.objects.for_city(city).select_related("network").prefetch_related("delegates", "actions")


def mission_list(city):
    return (
        Mission.objects.for_city(city)
        .select_related("city", "counterpart")
        .prefetch_related(Prefetch("follow_ups", queryset=FollowUp.objects.select_related("owner", "owner_office")))
    )


def candidacy_list(city):
    return Candidacy.objects.for_city(city).select_related("awarding_body").prefetch_related("actions")


def representation_list(city):
    return Representation.objects.for_city(city).select_related("organisation", "contact")


def relations_geojson(relations) -> dict:
    """GeoJSON FeatureCollection of relations at their partner's coordinates (RFC 7946:
    longitude first; a partner without coordinates gets a null geometry)."""
    features = []
    for relation in relations:
        partner = relation.partner
        geometry = None
        if partner.latitude is not None and partner.longitude is not None:
            geometry = {"type": "Point", "coordinates": [float(partner.longitude), float(partner.latitude)]}
        features.append(
            {
                "type": "Feature",
                "id": relation.pk,
                "geometry": geometry,
                "properties": {
                    "partner": partner.localized_name,
                    "country": partner.country,
                    "kind": relation.kind,
                    "kind_label": str(relation.get_kind_display()),
                    "status": relation.status,
                    "themes": [theme.localized_name for theme in relation.themes.all()],
                    "url": relation.get_absolute_url(),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
