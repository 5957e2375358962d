"""The Django admin, for superusers only.

Its pages see every city's rows (it knows no city scope), so a city's administrator, who may
hold the `is_staff` flag, never reaches it: people and roles are managed in the back office
(`ponte.core.users`), scoped to the city."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class SuperuserAdminSite(admin.AdminSite):
    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser


class PonteAdminConfig(AdminConfig):
    default_site = "ponte.core.admin_site.SuperuserAdminSite"
