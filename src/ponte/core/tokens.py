"""API keys stored hashed (issue 14).

A key is 40 random hexadecimal characters, as Django REST framework's were, so integrations keep
sending `Authorization: Token <key>`. Only its SHA-256 digest is stored, with its first
characters as a prefix to find the row and to name the key in lists; the key itself is shown
once, when it is created (the admin's message or `manage.py create_api_token`), and never again.
A plain SHA-256 is enough for a random 160-bit key (nothing to guess, nothing to stretch)."""

import hashlib
import hmac
import secrets

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from .models import ApiToken

PREFIX_LENGTH = 8


def digest_of(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_api_token(*, user, name: str = "") -> tuple[ApiToken, str]:
    """A new key for `user`: the stored row and the key, which the caller shows once."""
    key = secrets.token_hex(20)
    token = ApiToken.objects.create(user=user, name=name, prefix=key[:PREFIX_LENGTH], digest=digest_of(key))
    return token, key


def token_for_key(key: str) -> ApiToken | None:
    digest = digest_of(key)
    for token in ApiToken.objects.select_related("user").filter(prefix=key[:PREFIX_LENGTH]):
        if hmac.compare_digest(token.digest, digest):
            return token
    return None


class HashedTokenAuthentication(TokenAuthentication):
    """DRF's `Token <key>` header, checked against the stored digests."""

    def authenticate_credentials(self, key):
        token = token_for_key(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user, token
