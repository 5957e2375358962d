"""Governance pages: bodies with members and meetings, a meeting's page, an iCal feed per body."""

import datetime
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, ListView, TemplateView, View

from ponte.core import permissions
from ponte.core.calendars import Entry, calendar_response
from ponte.core.forms import FollowUpForm
from ponte.core.queries import audit_history
from ponte.core.services import attachment_add, follow_up_add
from ponte.core.views import CityMixin, ServiceFormView, run_service
from ponte.participation.models import Event
from ponte.plan.forms import DocumentForm

from . import queries, services
from .forms import DecisionForm, MeetingForm, PositionPaperForm, PostForm
from .models import Body, Meeting


class BodyListView(CityMixin, ListView):
    template_name = "governance/body_list.html"

    def get_queryset(self):
        return queries.body_list(self.city)


class BodyDetailView(CityMixin, TemplateView):
    template_name = "governance/body_detail.html"

    def get_context_data(self, **kwargs):
        try:
            body = queries.body_detail(self.city, self.kwargs["pk"])
        except Body.DoesNotExist:
            raise Http404 from None
        events = Event.objects.for_city(self.city).filter(organiser=body.organisation).select_related("city")
        return super().get_context_data(
            body=body,
            can_edit=permissions.can_manage_governance(self.request.user, self.city),
            is_member=services.is_member(self.request.user, body),
            events=events,
            papers=body.position_papers.all(),
            documents=body.documents.all(),
            document_form=DocumentForm(),
            **kwargs,
        )


class MeetingDetailView(CityMixin, TemplateView):
    template_name = "governance/meeting_detail.html"

    def get_context_data(self, **kwargs):
        try:
            meeting = queries.meeting_detail(self.city, self.kwargs["pk"])
        except Meeting.DoesNotExist:
            raise Http404 from None
        present = {member.pk for member in meeting.attendees.all()}
        return super().get_context_data(
            meeting=meeting,
            present=present,
            can_edit=permissions.can_manage_governance(self.request.user, self.city),
            decision_form=DecisionForm(),
            follow_up_form=FollowUpForm(city=self.city),
            history=audit_history(meeting, meeting.decisions.all(), meeting.follow_ups.all()),
            **kwargs,
        )


class MeetingFormView(ServiceFormView):
    permission = staticmethod(permissions.can_manage_governance)
    model, form_class, service = Meeting, MeetingForm, staticmethod(services.meeting_save)
    new_title = gettext_lazy("New meeting")

    def new_instance(self):
        body = get_object_or_404(Body.objects.for_city(self.city), pk=self.kwargs["body"])
        return Meeting(city=self.city, body=body)


class DecisionAddView(CityMixin, FormView):
    parent_model = Meeting
    form_class = DecisionForm
    template_name = "plan/form.html"
    page_title = gettext_lazy("New decision")
    permission = staticmethod(permissions.can_manage_governance)

    def form_valid(self, form):
        meeting = get_object_or_404(Meeting.objects.for_city(self.city), pk=self.kwargs["pk"])
        services.decision_add(meeting=meeting, user=self.request.user, text=form.cleaned_data["text"])
        messages.success(self.request, _("Decision recorded in %(item)s.") % {"item": meeting})
        return redirect(meeting)


class MeetingFollowUpAddView(CityMixin, FormView):
    parent_model = Meeting
    form_class = FollowUpForm
    template_name = "plan/form.html"
    page_title = gettext_lazy("New follow-up")
    permission = staticmethod(permissions.can_manage_governance)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"city": self.city}

    def form_valid(self, form):
        meeting = get_object_or_404(Meeting.objects.for_city(self.city), pk=self.kwargs["pk"])
        if (
            run_service(form, partial(follow_up_add, origin=meeting, user=self.request.user, **form.cleaned_data))
            is None
        ):
            return self.form_invalid(form)
        messages.success(self.request, _("Follow-up added to %(item)s.") % {"item": meeting})
        return redirect(meeting)


class BodyCalendarView(CityMixin, View):
    """iCalendar feed of a body's meetings."""

    def get(self, request, *args, **kwargs):
        body = get_object_or_404(Body.objects.for_city(self.city).select_related("organisation"), pk=kwargs["pk"])
        entries = (
            Entry(
                uid=f"meeting-{meeting.pk}@{self.city.slug}.ponte",
                summary=f"{body}: {meeting.title}",
                start=meeting.starts_at,
                end=meeting.ends_at or meeting.starts_at + datetime.timedelta(hours=2),
                url=f"{settings.SITE_URL}{meeting.get_absolute_url()}",
                location=meeting.location,
            )
            for meeting in body.meetings.select_related("city")
        )
        return calendar_response(f"Ponte · {body}", "Organismi", entries, body.organisation.slug)


class BodyMemberMixin(CityMixin):
    """Pages for the members of a body (and plan owners) only."""

    def get_body(self):
        if not hasattr(self, "_body"):
            self._body = get_object_or_404(
                Body.objects.for_city(self.city).select_related("organisation"), pk=self.kwargs["pk"]
            )
        return self._body

    def check_member(self):
        if not services.is_member(self.request.user, self.get_body()):
            raise PermissionDenied


class DiscussionView(BodyMemberMixin, FormView):
    template_name = "governance/discussion.html"
    form_class = PostForm

    def get(self, request, *args, **kwargs):
        self.check_member()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.check_member()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        services.post_add(body=self.get_body(), user=self.request.user, text=form.cleaned_data["text"])
        messages.success(self.request, _("Message posted in the discussion of %(item)s.") % {"item": self.get_body()})
        return redirect(self.request.path)

    def get_context_data(self, **kwargs):
        body = self.get_body()
        return super().get_context_data(body=body, posts=body.posts.select_related("author"), **kwargs)


class PositionPaperAddView(BodyMemberMixin, FormView):
    template_name = "plan/form.html"
    page_title = gettext_lazy("New position paper")
    form_class = PositionPaperForm

    def get(self, request, *args, **kwargs):
        self.check_member()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.check_member()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        services.position_paper_add(body=self.get_body(), user=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("Position paper added to %(item)s.") % {"item": self.get_body()})
        return redirect(self.get_body())


class BodyDocumentView(BodyMemberMixin, FormView):
    template_name = "plan/form.html"
    page_title = gettext_lazy("Share a document")
    form_class = DocumentForm

    def get(self, request, *args, **kwargs):
        self.check_member()  # the upload form is the members' too, not only its POST
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.check_member()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        attachment_add(item=self.get_body(), user=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("Document attached to %(item)s.") % {"item": self.get_body()})
        return redirect(self.get_body())
