"""Offer SPID and/or CIE sign-in in a city: its relying party entity, keys and providers."""

import json

from cryptojwt.jwk.rsa import new_rsa_key
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from spid_cie_oidc.entity.jwks import public_jwk_from_private_jwk
from spid_cie_oidc.entity.models import FederationEntityConfiguration

from ponte.citizens.models import IdentitySettings
from ponte.citizens.services import entity_id
from ponte.core.models import City


def new_key(use: str) -> dict:
    key = new_rsa_key(key_size=2048)
    jwk = key.to_dict()
    jwk["kid"] = key.thumbprint("SHA-256").decode()
    jwk["use"] = use
    return jwk


def public(keys: list[dict]) -> list[dict]:
    return [public_jwk_from_private_jwk(key) | {"use": key["use"]} for key in keys]


def provider_list(values: list[str]) -> list[dict]:
    providers = []
    for value in values:
        sub, _, name = value.partition("=")
        providers.append({"sub": sub.strip(), "name": (name or sub).strip()})
    return providers


class Command(BaseCommand):
    help = (
        "Configure SPID/CIE sign-in for a city: create its relying party entity with new keys (stored "
        "in the database, never in the repository) and print the public federation keys for onboarding."
    )

    def add_arguments(self, parser):
        parser.add_argument("--city", required=True)
        parser.add_argument("--trust-anchor", help="entity id of the trust anchor")
        parser.add_argument("--spid", action="store_true", help="offer SPID sign-in")
        parser.add_argument("--cie", action="store_true", help="offer CIE sign-in")
        parser.add_argument("--off", action="store_true", help="stop offering SPID and CIE")
        parser.add_argument("--spid-provider", action="append", default=[], metavar="SUB=NAME")
        parser.add_argument("--cie-provider", action="append", default=[], metavar="SUB=NAME")
        parser.add_argument("--base", help="public address of Ponte (default SITE_URL)")
        parser.add_argument("--contact", default=None, help="technical contact e-mail")
        parser.add_argument("--rotate-keys", action="store_true", help="replace the relying party's keys")
        parser.add_argument("--jwks-out", help="write the public federation keys (JSON) to this file")

    @transaction.atomic
    def handle(self, *args, **options):
        city = City.objects.filter(slug=options["city"]).first()
        if city is None:
            raise CommandError(f"No city {options['city']!r}.")
        row = IdentitySettings.objects.filter(city=city).first() or IdentitySettings(city=city)
        if options["off"]:
            row.spid_enabled = row.cie_enabled = False
        else:
            row.spid_enabled = row.spid_enabled or options["spid"]
            row.cie_enabled = row.cie_enabled or options["cie"]
        row.trust_anchor = options["trust_anchor"] or row.trust_anchor
        if not row.trust_anchor:
            raise CommandError("--trust-anchor is required the first time.")
        if options["spid_provider"]:
            row.spid_providers = provider_list(options["spid_provider"])
        if options["cie_provider"]:
            row.cie_providers = provider_list(options["cie_provider"])
        base = (options["base"] or settings.SITE_URL).rstrip("/")
        sub = entity_id(city, base)
        entity = row.entity or FederationEntityConfiguration(sub=sub, entity_type="openid_relying_party")
        if entity.pk is None or options["rotate_keys"]:
            entity.jwks_fed = [new_key("sig")]
            entity.jwks_core = [new_key("sig"), new_key("enc")]
        contact = options["contact"] or settings.DEFAULT_FROM_EMAIL
        callback = base + reverse("citizens:callback", kwargs={"city": city.slug})
        entity.sub = sub
        entity.authority_hints = [row.trust_anchor]
        entity.default_exp = 2880
        entity.is_active = True
        entity.metadata = {
            "federation_entity": {
                "organization_name": city.name,
                "homepage_uri": base + reverse("portal:home", kwargs={"city": city.slug}),
                "policy_uri": base + reverse("portal:privacy", kwargs={"city": city.slug}),
                "contacts": [contact],
            },
            "openid_relying_party": {
                "organization_name": city.name,
                "client_name": city.name,
                "client_id": sub,
                "application_type": "web",
                "client_registration_types": ["automatic"],
                "redirect_uris": [callback],
                "response_types": ["code"],
                "grant_types": ["authorization_code"],
                "subject_type": "pairwise",
                "contacts": [contact],
                "jwks": {"keys": public(entity.jwks_core)},
            },
        }
        entity.save()
        row.entity = entity
        row.save()
        jwks = public(entity.jwks_fed)
        if options["jwks_out"]:
            with open(options["jwks_out"], "w", encoding="utf-8") as file:
                json.dump({"sub": sub, "jwks": jwks, "name": city.name}, file)
        state = {True: "on", False: "off"}
        self.stdout.write(f"Relying party {sub}: SPID {state[row.spid_enabled]}, CIE {state[row.cie_enabled]}.")
        self.stdout.write("Public federation keys to give to the trust anchor for onboarding:")
        self.stdout.write(json.dumps({"keys": jwks}, indent=2))
