from django.contrib import admin

from ponte.core.uploads import CheckedUploadsAdmin

from .models import GoodPractice, Initiative


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "countries", "beneficiaries", "city"]
    list_filter = ["city", "kind"]
    search_fields = ["title"]


@admin.register(GoodPractice)
class GoodPracticeAdmin(CheckedUploadsAdmin, admin.ModelAdmin):
    list_display = ["title", "theme", "city"]
    list_filter = ["city"]
    search_fields = ["title", "theme"]
