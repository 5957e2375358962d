from django.contrib import admin

from ponte.core.uploads import CheckedUploadsAdmin

from .models import Candidacy, Mission, NetworkMembership, Relation, Representation, Theme


@admin.register(Relation)
class RelationAdmin(admin.ModelAdmin):
    list_display = ["partner", "kind", "status", "signed_on", "city"]
    list_filter = ["city", "kind", "status"]
    search_fields = ["partner__name"]
    list_select_related = ["partner", "city"]
    filter_horizontal = ["themes", "actions"]


@admin.register(NetworkMembership)
class NetworkMembershipAdmin(admin.ModelAdmin):
    list_display = ["network", "role", "status", "mandate_end", "city"]
    list_filter = ["city", "role", "status"]
    list_select_related = ["network", "city"]


@admin.register(Mission)
class MissionAdmin(admin.ModelAdmin):
    list_display = ["title", "direction", "start_date", "city"]
    list_filter = ["city", "direction"]


@admin.register(Candidacy)
class CandidacyAdmin(CheckedUploadsAdmin, admin.ModelAdmin):
    list_display = ["title", "year", "status", "city"]
    list_filter = ["city", "status"]


admin.site.register([Theme, Representation])
