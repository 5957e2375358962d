"""The Django admin is the administrators' tool for taxonomies and structure; daily work
happens in the back-office pages, which apply the per-office rules."""

from django.contrib import admin

from ponte.core.uploads import CheckedUploadsAdmin

from .models import (
    Action,
    ActionDocument,
    ActionUpdate,
    Axis,
    AxisItem,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Line,
    MacroArea,
    Milestone,
    Plan,
)


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    exclude = ["city"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "city", "start_year", "end_year"]


@admin.register(MacroArea)
class MacroAreaAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "weight", "plan"]
    list_filter = ["city"]


@admin.register(Line)
class LineAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "weight", "macro_area"]
    list_filter = ["city", "macro_area"]
    list_select_related = ["macro_area"]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "status", "progress", "owner_office"]
    list_filter = ["city", "status", "line__macro_area"]
    search_fields = ["code", "title"]
    list_select_related = ["owner_office"]
    filter_horizontal = ["partners", "alignments"]
    inlines = [MilestoneInline]


@admin.register(Axis)
class AxisAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "city"]


@admin.register(AxisItem)
class AxisItemAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "axis"]
    list_filter = ["city", "axis"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["axis"]


class TargetInline(admin.TabularInline):
    model = IndicatorTarget
    extra = 0
    exclude = ["city"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "unit"]
    list_filter = ["city", "kind"]
    search_fields = ["code", "name"]
    inlines = [TargetInline]


admin.site.register([ActionUpdate, IndicatorValue])


@admin.register(ActionDocument)
class ActionDocumentAdmin(CheckedUploadsAdmin, admin.ModelAdmin):
    list_display = ["title", "action", "uploaded_at"]
