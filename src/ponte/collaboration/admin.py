from django.contrib import admin

from .models import Comment, Digest, Notification, NotificationPreference


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "author", "content_type", "object_id", "created_at", "city"]
    list_filter = ["city", "content_type"]
    list_select_related = ["author", "content_type", "city"]
    raw_id_fields = ["author", "mentions"]
    search_fields = ["text"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at", "emailed_at", "city"]
    list_filter = ["city", "kind"]
    list_select_related = ["recipient", "city"]
    raw_id_fields = ["recipient", "actor"]
    search_fields = ["title", "recipient__username"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email"]
    list_filter = ["email"]
    raw_id_fields = ["user"]


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = ["user", "period", "count", "sent_at"]
    raw_id_fields = ["user"]
