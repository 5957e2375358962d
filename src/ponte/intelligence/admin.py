"""The SDG suggestions and their bulk runs in the Django admin, to read: decisions are taken on
the items' pages and the review list (through `suggestions.accept` / `reject`), which also change
the alignments."""

from django.contrib import admin

from .models import SDGSuggestion, SuggestionJob


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SDGSuggestion)
class SDGSuggestionAdmin(ReadOnlyAdmin):
    list_display = ["goal", "content_type", "object_id", "score", "state", "decided_by", "decided_at", "city"]
    list_filter = ["city", "state", "content_type", "goal"]
    list_select_related = ["content_type", "decided_by", "city"]


@admin.register(SuggestionJob)
class SuggestionJobAdmin(ReadOnlyAdmin):
    list_display = ["kind", "status", "done", "total", "suggested", "created_by", "created_at", "city"]
    list_filter = ["city", "status", "kind"]
    list_select_related = ["created_by", "city"]
