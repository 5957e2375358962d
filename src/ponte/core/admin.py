from django.contrib import admin

from .models import City, DatasetNote, Membership, Organisation, Person
from .uploads import CheckedUploadsAdmin


@admin.register(City)
class CityAdmin(CheckedUploadsAdmin, admin.ModelAdmin):
    list_display = ["name", "slug", "country"]
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


@admin.register(DatasetNote)
class DatasetNoteAdmin(admin.ModelAdmin):
    list_display = ["topic", "city", "filled_from"]
    list_filter = ["city"]
