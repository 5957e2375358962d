"""The Django admin, for superusers only.

Its pages see every city's rows (it knows no city scope), so a city's administrator, who may
hold the `is_staff` flag, never reaches it: people and roles are managed in the back office
(`ponte.core.users`), scoped to the city. A superuser reaches it only after the second factor."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class SuperuserAdminSite(admin.AdminSite):
    @property
    def login_form(self):
        """The admin's own password form signs people in to the whole site: it keeps the sign-in
        page's rule that an account linked to the Comune's provider, with PONTE_OIDC_ONLY, uses it
        (made here: the site is built before the apps' models are ready)."""
        from django.contrib.admin.forms import AdminAuthenticationForm
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext as _

        from . import sso

        class AdminLoginForm(AdminAuthenticationForm):
            def confirm_login_allowed(self, user):
                super().confirm_login_allowed(user)
                if sso.password_refused(user):
                    message = _("Your account signs in with the City's account, from Ponte's sign-in page.")
                    raise ValidationError(message, code="sso_only")

        return AdminLoginForm

    def has_permission(self, request):
        # Like django-otp's OTPAdminSite: only after the second factor (issue 14), which every
        # superuser's sign-in owes (`ponte.core.twofactor`).
        from . import twofactor

        return request.user.is_active and request.user.is_superuser and not twofactor.session_step(request)


class PonteAdminConfig(AdminConfig):
    default_site = "ponte.core.admin_site.SuperuserAdminSite"
