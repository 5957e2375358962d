"""The relying party of the SPID/CIE OpenID Connect Federation, on spid-cie-oidc's own code.

Trust chains, signed request objects, `private_key_jwt`, token and userinfo requests (decrypting
the JWE the provider returns) are the package's (`spid_cie_oidc.entity`, the relying party's
`oauth2`/`oidc` helpers); what is Ponte's is that the outcome is a `Citizen` in its own session
key, never a Django login, and the checks the package's example views leave out (state used
once and only for ten minutes, nonce, audience, issuer and expiry of the ID token, userinfo's
`sub` equal to the ID token's).
"""

import json
import logging
import time
import uuid
from datetime import timedelta
from urllib.parse import urlencode

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from spid_cie_oidc.entity.jwtse import create_jws, unpad_jwt_payload, verify_at_hash, verify_jws
from spid_cie_oidc.entity.models import TrustChain
from spid_cie_oidc.entity.trust_chain_operations import get_or_create_trust_chain
from spid_cie_oidc.entity.utils import KeyUsage, get_jwk_from_jwt, get_jwks, get_key
from spid_cie_oidc.relying_party.oauth2 import OAuth2AuthorizationCodeGrant
from spid_cie_oidc.relying_party.oidc import OidcUserInfo
from spid_cie_oidc.relying_party.settings import RP_REQUEST_CLAIM_BY_PROFILE
from spid_cie_oidc.relying_party.utils import get_pkce, random_string

from .models import Profile, SignInRequest

logger = logging.getLogger(__name__)

STATE_VALID = timedelta(minutes=10)
ACR = {Profile.SPID: "https://www.spid.gov.it/SpidL2", Profile.CIE: "https://www.spid.gov.it/SpidL2"}
FISCAL_NUMBER = "https://attributes.eid.gov.it/fiscal_number"


class SignInError(Exception):
    """A sign-in that cannot go on: `message` is for the person, `status` for the response."""

    def __init__(self, message, status=400):
        super().__init__(str(message))
        self.message, self.status = message, status


def trust_chain(provider: str, trust_anchor: str) -> TrustChain:
    """The provider's trust chain to the city's trust anchor (discovered again once expired)."""
    chain = TrustChain.objects.filter(sub=provider, trust_anchor__sub=trust_anchor).first()
    if chain is not None and not chain.is_active:
        raise SignInError(_("This identity provider is not trusted at the moment."), status=403)
    if chain is None or chain.is_expired:
        try:
            chain = get_or_create_trust_chain(subject=provider, trust_anchor=trust_anchor, force=True)
        except Exception:  # the package raises bare exceptions for an unreachable or invalid chain
            logger.exception("trust chain to %s via %s failed", provider, trust_anchor)
            chain = None
    if chain is None or not chain.is_valid:
        raise SignInError(_("The identity provider cannot be reached or is not part of the federation."), status=502)
    return chain


def authorization_url(
    *, settings_row, profile: str, provider: str, redirect_uri: str, next_url: str
) -> tuple[str, str]:
    """Start a sign-in: record the request; the provider's authorisation URL and the state."""
    entity = settings_row.entity
    chain = trust_chain(provider, settings_row.trust_anchor)
    metadata = dict(chain.metadata.get("openid_provider") or {})
    if not metadata.get("authorization_endpoint"):
        raise SignInError(_("The identity provider's metadata are incomplete."), status=502)
    metadata["jwks"] = {"keys": get_jwks(metadata, federation_jwks=chain.jwks)}
    client = entity.metadata["openid_relying_party"]
    pkce = get_pkce(code_challenge_length=64, code_challenge_method="S256")
    now = int(time.time())
    endpoint = metadata["authorization_endpoint"]
    data = {
        "iss": client["client_id"],
        "client_id": client["client_id"],
        "scope": "openid",
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "nonce": random_string(32),
        "state": random_string(32),
        "endpoint": endpoint,
        "acr_values": ACR[profile],
        "iat": now,
        "exp": now + 60,
        "jti": str(uuid.uuid4()),
        "aud": [chain.sub, endpoint],
        "claims": RP_REQUEST_CLAIM_BY_PROFILE[profile],
        "prompt": "consent login",
        "code_challenge": pkce["code_challenge"],
        "code_challenge_method": pkce["code_challenge_method"],
    }
    # Requests nobody came back from are of no use after their ten minutes: keep the table small.
    SignInRequest.objects.filter(created_at__lt=timezone.now() - timedelta(days=1)).delete()
    SignInRequest.objects.create(
        city=settings_row.city,
        state=data["state"],
        nonce=data["nonce"],
        code_verifier=pkce["code_verifier"],
        profile=profile,
        provider=chain.sub,
        provider_configuration=metadata,
        redirect_uri=redirect_uri,
        next_url=next_url,
    )
    request_object = create_jws(data, get_key(entity.jwks_core, KeyUsage.signature))
    query = {
        "client_id": data["client_id"],
        "scope": data["scope"],
        "response_type": data["response_type"],
        "code_challenge": data["code_challenge"],
        "code_challenge_method": data["code_challenge_method"],
        "request": request_object,
    }
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(query)}", data["state"]


def claim_request(*, city, state: str | None) -> SignInRequest:
    """The sign-in request of `state`, claimed once (a second use, an old or unknown state: error)."""
    if not state:
        raise SignInError(_("The answer of the identity provider is incomplete."), status=400)
    with transaction.atomic():
        found = SignInRequest.objects.select_for_update().filter(city=city, state=state).first()
        if found is None or found.used_at is not None:
            raise SignInError(
                _("This sign-in link is not valid or has been used already: please sign in again."), status=400
            )
        found.used_at = timezone.now()
        found.save(update_fields=["used_at"])
    if timezone.now() - found.created_at > STATE_VALID:
        raise SignInError(_("The sign-in took too long and has expired: please sign in again."), status=400)
    return found


def identity(*, settings_row, sign_in: SignInRequest, params: dict) -> dict:
    """Redeem the code: the attributes the provider proved (given_name, family_name, email, fiscal_number)."""
    if params.get("error"):
        raise SignInError(_("The sign-in was cancelled or refused by the identity provider."), status=401)
    if params.get("iss") and params["iss"] != sign_in.provider:
        raise SignInError(_("The answer does not come from the identity provider you chose."), status=400)
    code = params.get("code")
    if not code:
        raise SignInError(_("The answer of the identity provider is incomplete."), status=400)
    entity = settings_row.entity
    provider_conf = sign_in.provider_configuration
    tokens = OAuth2AuthorizationCodeGrant().access_token_request(
        redirect_uri=sign_in.redirect_uri,
        state=sign_in.state,
        code=code,
        issuer_id=sign_in.provider,
        client_conf=entity,
        token_endpoint_url=provider_conf["token_endpoint"],
        audience=[sign_in.provider],
        code_verifier=sign_in.code_verifier,
    )
    if not isinstance(tokens, dict) or not tokens.get("id_token") or not tokens.get("access_token"):
        raise SignInError(_("The identity provider did not confirm the sign-in."), status=502)
    claims = _verified_id_token(tokens, provider_conf, sign_in, entity.sub)
    userinfo_client = OidcUserInfo()
    userinfo_client.rp_conf = entity
    userinfo = userinfo_client.get_userinfo(sign_in.state, tokens["access_token"], provider_conf, verify=True)
    if not isinstance(userinfo, dict) or userinfo.get("sub") != claims.get("sub"):
        raise SignInError(_("The identity provider did not send the person's data."), status=502)
    fiscal_number = str(userinfo.get(FISCAL_NUMBER) or userinfo.get("fiscal_number") or "").strip()
    if fiscal_number.upper().startswith("TINIT-"):
        fiscal_number = fiscal_number[6:]
    if not fiscal_number:
        raise SignInError(_("The identity provider did not send the fiscal number."), status=502)
    return {
        "fiscal_number": fiscal_number.upper(),
        "given_name": str(userinfo.get("given_name") or claims.get("given_name") or "").strip(),
        "family_name": str(userinfo.get("family_name") or claims.get("family_name") or "").strip(),
        "email": str(userinfo.get("email") or claims.get("email") or "").strip().lower(),
    }


def _verified_id_token(tokens: dict, provider_conf: dict, sign_in: SignInRequest, client_id: str) -> dict:
    jwks = get_jwks(provider_conf)
    try:
        for token in (tokens["access_token"], tokens["id_token"]):
            key = get_jwk_from_jwt(token, jwks)
            if not key:
                raise ValueError("unknown kid")
            verify_jws(token, key)
        claims = unpad_jwt_payload(tokens["id_token"])
        verify_at_hash(claims, tokens["access_token"])
    except Exception:
        logger.warning("ID token of %s refused", sign_in.provider, exc_info=True)
        raise SignInError(_("The identity provider's answer could not be verified."), status=403) from None
    audience = claims.get("aud")
    audience = audience if isinstance(audience, list) else [audience]
    if (
        claims.get("iss") != sign_in.provider
        or client_id not in audience
        or claims.get("nonce") != sign_in.nonce
        or int(claims.get("exp", 0)) < time.time()
    ):
        logger.warning("ID token of %s has wrong claims: %s", sign_in.provider, json.dumps(claims)[:500])
        raise SignInError(_("The identity provider's answer could not be verified."), status=403)
    return claims
