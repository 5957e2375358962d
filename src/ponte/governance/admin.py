from django.contrib import admin

from .models import Body, BodyMember, Decision, Meeting


class MemberInline(admin.TabularInline):
    model = BodyMember
    extra = 0
    exclude = ["city"]


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["organisation", "chaired_by", "established_on", "city"]
    list_filter = ["city"]
    list_select_related = ["organisation", "city"]
    inlines = [MemberInline]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "body", "starts_at", "minutes_public"]
    list_filter = ["city", "body"]
    list_select_related = ["body__organisation"]


admin.site.register(Decision)
