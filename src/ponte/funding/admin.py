from django.contrib import admin

from .models import Call, Participation, Programme, Project, ProjectMilestone, ProjectTransition


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "stated_total", "city"]
    list_filter = ["city", "kind"]
    search_fields = ["name", "slug"]
    list_select_related = ["parent", "stated_total", "city"]


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    exclude = ["city"]
    autocomplete_fields = ["organisation"]


class MilestoneInline(admin.TabularInline):
    model = ProjectMilestone
    extra = 0
    exclude = ["city", "reminded_at"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["acronym", "title", "programme", "status", "eu_contribution", "city"]
    list_filter = ["city", "status", "programme__kind", "origin"]
    search_fields = ["acronym", "title", "cup", "grant_agreement"]
    list_select_related = ["programme", "city"]
    readonly_fields = ["status"]  # status changes go through the lifecycle (back office)
    inlines = [ParticipationInline, MilestoneInline]


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["identifier", "title", "status", "deadline", "decision", "city"]
    list_filter = ["city", "status", "decision", "source"]
    search_fields = ["identifier", "title"]


@admin.register(ProjectTransition)
class ProjectTransitionAdmin(admin.ModelAdmin):
    list_display = ["project", "from_status", "to_status", "date", "user"]
    list_select_related = ["project", "user"]

    def has_change_permission(self, request, obj=None):
        return False  # the life of a project is a record, not an editable list
