"""The Django admin, for superusers only.

Its pages see every city's rows (it knows no city scope), so a city's administrator, who may
hold the `is_staff` flag, never reaches it: people and roles are managed in the back office
(`ponte.core.users`), scoped to the city. A superuser reaches it only after the second factor."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class SuperuserAdminSite(admin.AdminSite):
    def has_permission(self, request):
        # Like django-otp's OTPAdminSite: only after the second factor (issue 14), which every
        # superuser's sign-in owes (`ponte.core.twofactor`).
        from . import twofactor

        return request.user.is_active and request.user.is_superuser and not twofactor.session_step(request)


class PonteAdminConfig(AdminConfig):
    default_site = "ponte.core.admin_site.SuperuserAdminSite"
