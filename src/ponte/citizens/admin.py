from django.contrib import admin

from .models import Citizen, IdentitySettings


@admin.register(IdentitySettings)
class IdentitySettingsAdmin(admin.ModelAdmin):
    """Turn SPID/CIE on or off per city and list its providers (keys: `manage.py identity_setup`)."""

    list_display = ("city", "spid_enabled", "cie_enabled", "trust_anchor")
    readonly_fields = ("entity",)


@admin.register(Citizen)
class CitizenAdmin(admin.ModelAdmin):
    list_display = ("__str__", "city", "profile", "email", "last_sign_in_at")
    list_filter = ("city", "profile")
    search_fields = ("family_name", "given_name", "email", "fiscal_number")
    readonly_fields = [f.name for f in Citizen._meta.fields]
