from django.db.models import Count, Prefetch

from ponte.core.models import FollowUp

from .models import Body, BodyMember, Meeting


def body_list(city):
    return (
        Body.objects.for_city(city)
        .select_related("city", "organisation__parent")
        .annotate(member_count=Count("members", distinct=True), meeting_count=Count("meetings", distinct=True))
    )


def body_detail(city, pk):
    members = BodyMember.objects.select_related("organisation", "person")
    return (
        Body.objects.for_city(city)
        .select_related("city", "organisation__parent")
        .prefetch_related(
            Prefetch("members", queryset=members),
            "actions",
            Prefetch("meetings", queryset=Meeting.objects.select_related("city")),
        )
        .get(pk=pk)
    )


def meeting_detail(city, pk):
    members = BodyMember.objects.select_related("organisation", "person")
    return (
        Meeting.objects.for_city(city)
        .select_related("city", "body__organisation", "body__city")
        .prefetch_related(
            Prefetch("invitees", queryset=members),
            Prefetch("attendees", queryset=members),
            Prefetch("body__members", queryset=members),
            "decisions",
            Prefetch("follow_ups", queryset=FollowUp.objects.select_related("owner", "owner_office")),
        )
        .get(pk=pk)
    )
