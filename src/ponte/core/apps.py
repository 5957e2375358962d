from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ponte.core"
    label = "core"
    verbose_name = _("Cities, organisations and people")

    def ready(self):
        from auditlog.registry import auditlog
        from django.contrib.auth.signals import user_logged_in
        from django_otp.plugins.otp_totp.models import TOTPDevice
        from django_otp_webauthn.models import WebAuthnCredential

        from . import publiccache, signals, twofactor  # noqa: F401
        from .models import Membership, Organisation, Person, Risk, SignOnLink

        # Who gave or took a role, who created, edited or merged an organisation or a person.
        auditlog.register(Membership)
        auditlog.register(Organisation)
        auditlog.register(Person)
        # Who recorded, rated, closed or reopened a risk of an action or a project (issue 17).
        auditlog.register(Risk, exclude_fields=["mitigations"])  # its follow-ups are logged as themselves
        # When an account was linked to a person at the Comune's provider, and who removed a link.
        auditlog.register(SignOnLink, exclude_fields=["last_sign_in_at"])
        # Who enrolled or reset whose second factor (never its secret key).
        auditlog.register(TOTPDevice, include_fields=["user", "name", "confirmed"])
        auditlog.register(WebAuthnCredential, include_fields=["user", "name", "confirmed"])
        user_logged_in.connect(twofactor.on_sign_in, dispatch_uid="ponte-two-factor-sign-in")
        # With the queue on RQ (django_rq installed), its admin dashboard is taken out: its JSON
        # statistics answer any `is_staff` account, which a city's administrator may hold
        # (ponte.core.admin_site); `manage.py rqstats` shows the same to operators.
        from django.apps import apps
        from django.contrib import admin

        if apps.is_installed("django_rq"):
            from django_rq.models import Dashboard

            if admin.site.is_registered(Dashboard):
                admin.site.unregister(Dashboard)
        from django.db.models.signals import post_delete

        from .risks import forget_risks_of

        post_delete.connect(forget_risks_of, dispatch_uid="ponte-forget-risks-of-deleted-items")
        # Every write the public sees empties its city's cached pages (issue 16).
        publiccache.connect_signals()
