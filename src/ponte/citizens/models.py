"""SPID/CIE identities of people outside the city and what they did with them.

A `Citizen` is not a Django user: it has no password, no role, no `Membership` and cannot be
one. Its session lives under its own key (`ponte.citizens.session`), beside an anonymous
`request.user`, so the back office and the Django admin see nobody (docs/security.md).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Profile(models.TextChoices):
    SPID = "spid", "SPID"
    CIE = "cie", "CIE"


class IdentitySettings(models.Model):
    """Per city: whether SPID and/or CIE sign-in is offered, and the federation it trusts.

    Off by default (no row, or both flags off): no button anywhere and every sign-in URL is a 404.
    The relying party's own entity (keys, metadata) is `entity`, made by `manage.py identity_setup`.
    """

    city = models.OneToOneField("core.City", on_delete=models.CASCADE, related_name="identity_settings")
    spid_enabled = models.BooleanField(_("offer SPID sign-in"), default=False)
    cie_enabled = models.BooleanField(_("offer CIE sign-in"), default=False)
    trust_anchor = models.URLField(
        _("trust anchor"),
        help_text=_("Entity identifier of the federation's trust anchor (SPID: AgID; CIE: Ministry of the Interior)."),
    )
    spid_providers = models.JSONField(
        _("SPID identity providers"),
        default=list,
        blank=True,
        help_text=_('A list of {"sub": entity identifier, "name": name shown}.'),
    )
    cie_providers = models.JSONField(
        _("CIE identity providers"),
        default=list,
        blank=True,
        help_text=_('A list of {"sub": entity identifier, "name": name shown}.'),
    )
    entity = models.OneToOneField(
        "spid_cie_oidc_entity.FederationEntityConfiguration",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("relying party entity"),
    )

    class Meta:
        verbose_name = _("SPID and CIE sign-in settings")
        verbose_name_plural = _("SPID and CIE sign-in settings")

    def __str__(self):
        return str(self.city)

    def offers(self, profile: str) -> bool:
        if self.entity_id is None:
            return False
        return (self.spid_enabled and profile == Profile.SPID) or (self.cie_enabled and profile == Profile.CIE)

    def providers(self, profile: str) -> list[dict]:
        return list(self.spid_providers if profile == Profile.SPID else self.cie_providers)

    def provider(self, profile: str, sub: str) -> dict | None:
        return next((p for p in self.providers(profile) if p.get("sub") == sub), None)


class Citizen(models.Model):
    """A person who signed in with SPID or CIE in one city: the attributes the identity proved."""

    city = models.ForeignKey("core.City", on_delete=models.CASCADE, related_name="citizens")
    fiscal_number = models.CharField(_("fiscal number"), max_length=32)
    given_name = models.CharField(_("given name"), max_length=200, blank=True)
    family_name = models.CharField(_("family name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail (verified by the identity provider)"), max_length=254, blank=True)
    profile = models.CharField(_("signed in with"), max_length=4, choices=Profile.choices)
    provider = models.URLField(_("identity provider"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)

    class Meta:
        verbose_name = _("person signed in with SPID or CIE")
        verbose_name_plural = _("people signed in with SPID or CIE")
        constraints = [
            models.UniqueConstraint(fields=["city", "fiscal_number"], name="citizen_one_per_fiscal_number"),
        ]

    def __str__(self):
        return f"{self.given_name} {self.family_name}".strip() or self.fiscal_number

    @property
    def full_name(self) -> str:
        return str(self)


class SignInRequest(models.Model):
    """One authorisation request sent to an identity provider: its `state` is used once."""

    city = models.ForeignKey("core.City", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=64, unique=True)
    nonce = models.CharField(max_length=64)
    code_verifier = models.CharField(max_length=200)
    profile = models.CharField(max_length=4, choices=Profile.choices)
    provider = models.URLField(max_length=500)
    provider_configuration = models.JSONField(default=dict)
    redirect_uri = models.URLField(max_length=500)
    next_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("SPID/CIE sign-in request")
        verbose_name_plural = _("SPID/CIE sign-in requests")

    def __str__(self):
        return f"{self.profile} {self.provider} {self.created_at:%Y-%m-%d %H:%M}"


class CitizenRegistration(models.Model):
    """An event registration made by a signed-in person (their "my registrations" page)."""

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="registrations")
    registration = models.OneToOneField(
        "participation.Registration", on_delete=models.CASCADE, related_name="citizen_link"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.citizen} → {self.registration_id}"


class CitizenQuestion(models.Model):
    """A Europe Direct question asked by a signed-in person, so they can follow its ticket."""

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="questions")
    question = models.OneToOneField("participation.Question", on_delete=models.CASCADE, related_name="citizen_link")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.citizen} → {self.question_id}"
