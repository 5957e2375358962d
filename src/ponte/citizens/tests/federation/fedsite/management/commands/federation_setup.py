"""Create the test federation: trust anchor, SPID provider, relying parties, test identity."""

import json

from cryptojwt.jwk.rsa import new_rsa_key
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from spid_cie_oidc.authority.models import FederationDescendant
from spid_cie_oidc.entity.jwks import public_jwk_from_private_jwk
from spid_cie_oidc.entity.models import FederationEntityConfiguration

TEST_IDENTITY = {
    "username": "rossi",
    "password": "password-di-prova-1",
    "attributes": {
        "given_name": "Antonio",
        "family_name": "Rossi",
        "email": "antonio.rossi@example.org",
        "https://attributes.eid.gov.it/fiscal_number": "TINIT-RSSNTN80A01H501U",
        "birthdate": "1980-01-01",
        "gender": "M",
        "place_of_birth": {"region": "RM", "locality": "H501"},
        "phone_number": "390512345678",
    },
}


def new_key(use):
    key = new_rsa_key()
    jwk = key.to_dict()
    jwk["kid"] = key.thumbprint("SHA-256").decode()
    jwk["use"] = use
    return jwk


def public(keys):
    return [public_jwk_from_private_jwk(k) | {"use": k["use"]} for k in keys]


class Command(BaseCommand):
    help = "Create the trust anchor, the SPID test provider, the relying parties and the test identity."

    def add_arguments(self, parser):
        parser.add_argument("--descendants", help="JSON file: [{sub, jwks, name, type}] to register at the anchor")
        parser.add_argument("--public-out", help="write this provider's public federation keys here (role cie)")

    def handle(self, *args, **options):
        base = settings.FEDERATION_BASE
        op_sub = f"{base}/oidc/op"
        if settings.FEDERATION_ROLE == "cie":
            op_fed = self.provider(base, op_sub, "Gestore CIE di prova (Ministero dell'Interno)")
            with open(options["public_out"], "w", encoding="utf-8") as file:
                json.dump({"sub": op_sub, "jwks": public(op_fed), "type": "openid_provider", "name": "CIE"}, file)
            self.identity()
            self.stdout.write(f"CIE provider ready: {op_sub} under {settings.OIDCFED_DEFAULT_TRUST_ANCHOR}")
            return
        ta = FederationEntityConfiguration.objects.create(
            sub=base,
            default_exp=2880,
            authority_hints=[],
            jwks_fed=[new_key("sig")],
            jwks_core=[new_key("sig")],
            entity_type="federation_entity",
            constraints={"max_path_length": 1},
            metadata={
                "federation_entity": {
                    "contacts": ["ops@example.org"],
                    "federation_fetch_endpoint": f"{base}/fetch",
                    "federation_resolve_endpoint": f"{base}/resolve",
                    "federation_trust_mark_status_endpoint": f"{base}/trust_mark_status",
                    "federation_list_endpoint": f"{base}/list",
                    "homepage_uri": base,
                    "organization_name": "Trust anchor di prova",
                    "policy_uri": f"{base}/policy",
                    "logo_uri": f"{base}/static/svg/spid-logo-c-lb.svg",
                }
            },
            is_active=True,
        )
        op_fed = self.provider(base, op_sub, "Gestore di identità SPID di prova")
        FederationDescendant.objects.create(
            name="Gestore SPID di prova",
            sub=op_sub,
            type="openid_provider",
            jwks=public(op_fed),
            status="valid",
            is_active=True,
        )
        with open(options["descendants"], encoding="utf-8") as file:
            descendants = json.load(file)
        for entity in descendants:
            kind = entity.get("type", "openid_relying_party")
            FederationDescendant.objects.create(
                name=entity.get("name", entity["sub"]),
                sub=entity["sub"],
                type=kind,
                jwks=entity["jwks"],
                metadata_policy={
                    "openid_relying_party": {
                        "scope": {
                            "superset_of": ["openid"],
                            "subset_of": ["openid", "offline_access", "profile", "email"],
                        }
                    }
                }
                if kind == "openid_relying_party"
                else {},
                status="valid",
                is_active=True,
            )
        self.identity()
        self.stdout.write(f"federation ready: trust anchor {ta.sub}, provider {op_sub}, {len(descendants)} descendants")

    def identity(self):
        user = get_user_model()(username=TEST_IDENTITY["username"], attributes=TEST_IDENTITY["attributes"])
        user.set_password(TEST_IDENTITY["password"])
        user.save()

    def provider(self, base, op_sub, name):
        """The provider's own entity (keys made now); its public federation keys."""
        anchor = settings.OIDCFED_DEFAULT_TRUST_ANCHOR
        op_fed, op_core = [new_key("sig")], [new_key("sig"), new_key("enc")]
        FederationEntityConfiguration.objects.create(
            sub=op_sub,
            default_exp=2880,
            authority_hints=[anchor],
            jwks_fed=op_fed,
            jwks_core=op_core,
            entity_type="openid_provider",
            metadata={
                "federation_entity": {
                    "federation_resolve_endpoint": f"{op_sub}/resolve",
                    "organization_name": name,
                    "homepage_uri": base,
                    "policy_uri": f"{op_sub}/policy",
                    "logo_uri": f"{base}/static/svg/spid-logo-c-lb.svg",
                    "contacts": ["ops@example.org"],
                },
                "openid_provider": {
                    "issuer": op_sub,
                    "authorization_endpoint": f"{op_sub}/authorization",
                    "token_endpoint": f"{op_sub}/token",
                    "userinfo_endpoint": f"{op_sub}/userinfo",
                    "introspection_endpoint": f"{op_sub}/introspection",
                    "revocation_endpoint": f"{op_sub}/revocation",
                    "jwks": {"keys": public(op_core)},
                    "claims_parameter_supported": True,
                    "contacts": ["ops@example.org"],
                    "client_registration_types_supported": ["automatic"],
                    "code_challenge_methods_supported": ["S256"],
                    "request_authentication_methods_supported": {"ar": ["request_object"]},
                    "acr_values_supported": [
                        "https://www.spid.gov.it/SpidL1",
                        "https://www.spid.gov.it/SpidL2",
                        "https://www.spid.gov.it/SpidL3",
                    ],
                    "claims_supported": [
                        "https://attributes.eid.gov.it/spid_code",
                        "given_name",
                        "family_name",
                        "place_of_birth",
                        "birthdate",
                        "gender",
                        "https://attributes.eid.gov.it/fiscal_number",
                        "phone_number",
                        "email",
                        "address",
                    ],
                    "grant_types_supported": ["authorization_code", "refresh_token"],
                    "id_token_signing_alg_values_supported": ["RS256", "ES256"],
                    "id_token_encryption_alg_values_supported": ["RSA-OAEP"],
                    "id_token_encryption_enc_values_supported": ["A128CBC-HS256"],
                    "scopes_supported": ["openid", "offline_access"],
                    "logo_uri": f"{base}/static/svg/spid-logo-c-lb.svg",
                    "organization_name": name,
                    "op_policy_uri": f"{op_sub}/policy",
                    "request_parameter_supported": True,
                    "request_uri_parameter_supported": True,
                    "require_request_uri_registration": True,
                    "response_types_supported": ["code"],
                    "subject_types_supported": ["pairwise", "public"],
                    "token_endpoint_auth_methods_supported": ["private_key_jwt"],
                    "token_endpoint_auth_signing_alg_values_supported": ["RS256", "ES256"],
                    "userinfo_encryption_alg_values_supported": ["RSA-OAEP", "RSA-OAEP-256"],
                    "userinfo_encryption_enc_values_supported": ["A128CBC-HS256", "A256CBC-HS512"],
                    "userinfo_signing_alg_values_supported": ["RS256", "ES256"],
                    "request_object_encryption_alg_values_supported": ["RSA-OAEP", "RSA-OAEP-256"],
                    "request_object_encryption_enc_values_supported": ["A128CBC-HS256", "A256CBC-HS512"],
                    "request_object_signing_alg_values_supported": ["RS256", "ES256"],
                },
            },
            is_active=True,
        )
        return op_fed
