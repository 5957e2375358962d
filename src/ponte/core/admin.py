from django.contrib import admin
from django.template.response import TemplateResponse

from .models import ApiToken, City, DatasetNote, Membership, Organisation, Person, SignOnLink
from .tokens import create_api_token
from .uploads import CheckedUploadsAdmin


@admin.register(City)
class CityAdmin(CheckedUploadsAdmin, admin.ModelAdmin):
    list_display = ["name", "slug", "country", "require_two_factor_for_all_staff"]
    search_fields = ["name", "slug"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country", "city"]
    list_filter = ["city", "kind", "country"]
    search_fields = ["name", "short_name", "slug"]
    list_select_related = ["city"]
    autocomplete_fields = ["parent"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "role", "organisation", "user", "city"]
    list_filter = ["city"]
    search_fields = ["full_name", "email"]
    list_select_related = ["organisation", "user", "city"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "city", "role", "office"]
    list_filter = ["city", "role"]
    list_select_related = ["user", "city", "office"]
    autocomplete_fields = ["office"]


@admin.register(SignOnLink)
class SignOnLinkAdmin(admin.ModelAdmin):
    """Links are made by the first single sign-on (`ponte.core.sso`); removing one lets the person's
    next sign-in link the account again by its e-mail address (say, a new subject at the provider)."""

    list_display = ["user", "email", "subject", "issuer", "linked_at", "last_sign_in_at"]
    search_fields = ["user__username", "user__email", "email", "subject"]
    list_select_related = ["user"]
    readonly_fields = ["user", "issuer", "subject", "email", "linked_at", "last_sign_in_at"]

    def has_add_permission(self, request):
        return False


@admin.register(DatasetNote)
class DatasetNoteAdmin(admin.ModelAdmin):
    list_display = ["topic", "city", "filled_from"]
    list_filter = ["city"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """API keys: created here (the key is shown once, on the page after saving), listed by
    prefix only, revoked by deleting them. Only their digest is stored."""

    list_display = ["prefix", "name", "user", "created_at", "last_used_at"]
    list_select_related = ["user"]
    search_fields = ["prefix", "name", "user__username"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    autocomplete_fields = ["user"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "user"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        token, key = create_api_token(user=obj.user, name=obj.name)
        obj.pk, obj.prefix, obj.digest, obj.created_at = token.pk, token.prefix, token.digest, token.created_at
        obj._state.adding = False
        obj.key_shown_once = key

    def response_add(self, request, obj, post_url_continue=None):
        """The key on the page itself, never in a message (messages live in the session or a
        cookie): it is rendered once and then exists nowhere."""
        context = {**self.admin_site.each_context(request), "opts": self.opts, "token": obj, "key": obj.key_shown_once}
        return TemplateResponse(request, "admin/core/apitoken/created.html", context)
