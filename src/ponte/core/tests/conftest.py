"""Fixtures of the core app's tests: the OpenID Connect provider of single sign-on."""

import pytest

from .oidc import CLIENT_ID, CLIENT_SECRET, IdentityProvider


@pytest.fixture(scope="session")
def identity_provider_process():
    """One real OpenID Connect provider (Node, oidc-provider) for the whole run, stopped at its end."""
    provider = IdentityProvider().start()
    yield provider
    provider.stop()


@pytest.fixture
def identity_provider(identity_provider_process, settings):
    """The provider, with no people yet, and Ponte configured to use it (discovery included)."""
    provider = identity_provider_process
    provider.reset()
    settings.PONTE_OIDC_ISSUER = provider.issuer
    settings.PONTE_OIDC_CLIENT_ID = CLIENT_ID
    settings.PONTE_OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.PONTE_OIDC_ENDPOINTS = dict.fromkeys(("authorization", "token", "userinfo", "jwks", "end_session"), "")
    settings.PONTE_OIDC_LABEL = ""
    yield provider
    provider.reset()
