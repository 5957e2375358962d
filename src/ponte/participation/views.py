"""Events: public programme and registration, cancellation link, staff registrants and check-in."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, ListView, TemplateView, View

from ponte.citizens import services as citizens
from ponte.core import permissions, ratelimit, review
from ponte.core.calendars import calendar_response
from ponte.core.exports import Column
from ponte.core.models import ReviewState
from ponte.core.queries import audit_history
from ponte.core.services import attachment_add
from ponte.core.views import CityMixin, ExportableListView, ServiceFormView, run_service
from ponte.plan.forms import DocumentForm
from ponte.portal import public

from . import calendars, desk, newsletter, services
from .filters import EventFilter, QuestionFilter, RegistrationFilter
from .forms import (
    AnswerForm,
    CampaignForm,
    EventForm,
    FaqForm,
    PreferencesForm,
    QuestionForm,
    RegistrationForm,
    SubscribeForm,
    TestSendForm,
)
from .models import CONFIRMED_Q, Campaign, Delivery, Event, EventSeries, Question, Registration, Subscriber

REGISTRATIONS_PER_HOUR = 20


def upcoming(events):
    return events.filter(starts_at__gte=timezone.now() - timezone.timedelta(hours=12))


def visible_events(request, city):
    """The public sees published events open to it; the city's staff also see drafts and
    internal training, so they can check a page before publishing it."""
    if permissions.can_view(request.user, city):
        return Event.objects.for_city(city).select_related("city", "series", "organiser")
    return public.events(city)


class EventListView(CityMixin, ListView):
    login_required = False
    template_name = "participation/event_list.html"
    paginate_by = 30

    def get_queryset(self):
        return upcoming(visible_events(self.request, self.city))


EVENT_COLUMNS = [
    Column(gettext_lazy("Title"), lambda e: e.title),
    Column(gettext_lazy("Starts at"), lambda e: timezone.localtime(e.starts_at)),
    Column(gettext_lazy("Venue"), lambda e: e.venue),
    Column(gettext_lazy("Series"), lambda e: e.series or ""),
    Column(gettext_lazy("Places"), lambda e: e.capacity),
    Column(pgettext_lazy("count of registrations", "Confirmed"), lambda e: e.confirmed_count),
    Column(gettext_lazy("Waiting"), lambda e: e.waiting_count),
    Column(gettext_lazy("Publication"), lambda e: e.get_publication_display()),
]


class EventAdminListView(ExportableListView):
    """Every event of the city for its staff, past and draft ones too, with the places taken."""

    template_name = "participation/event_admin_list.html"
    filterset_class = EventFilter
    export_columns = EVENT_COLUMNS
    export_name = "eventi"

    def base_queryset(self):
        return (
            Event.objects.for_city(self.city)
            .select_related("city", "series")
            .annotate(
                confirmed_count=Count("registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)),
                waiting_count=Count("registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)),
            )
            .order_by("-starts_at")
        )


class EventDetailView(ratelimit.RateLimitedPostMixin, CityMixin, FormView):
    """An event's page with its registration form (public; rate limited)."""

    login_required = False
    template_name = "participation/event_detail.html"
    form_class = RegistrationForm

    def get_event(self):
        if not hasattr(self, "_event"):
            self._event = get_object_or_404(
                visible_events(self.request, self.city).prefetch_related("questions"), pk=self.kwargs["pk"]
            )
        return self._event

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"event": self.get_event()}

    def get_initial(self):
        return super().get_initial() | citizens.prefill(self.request, self.city)

    def get_form(self, form_class=None):
        return citizens.lock_proved_fields(super().get_form(form_class), self.request, self.city)

    rate_limit = REGISTRATIONS_PER_HOUR

    @property
    def rate_scope(self):
        """Counted per event: a busy event (or a flood on one) does not close the others."""
        return f"register:{self.city.slug}:{self.kwargs['pk']}"

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            registration = services.register(
                event=self.get_event(),
                name=data["name"],
                email=data["email"],
                answers=form.answers(),
                email_verified=citizens.email_verified(self.request, self.city, data["email"]),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        if citizens.link_registration(self.request, self.city, registration) and (
            registration.status != Registration.Status.UNVERIFIED
        ):
            # Signed in with SPID/CIE: the address is proved, the place is taken now.
            messages.success(self.request, _("Thank you: you are registered. The details are on your page."))
            return redirect("citizens:mine", city=self.city.slug)
        # The same words whoever the address is (new, waiting for its link, already registered):
        # what differs goes to the address's own inbox.
        if registration.mail_pending:
            message = _(
                "We could not send the e-mail to %(email)s right now: we will send it again shortly. Places are "
                "assigned when you open the link in it to confirm your address."
            )
            messages.warning(self.request, message % {"email": registration.email})
        else:
            message = _(
                "Almost done: check your e-mail. We sent a message to %(email)s: open the link in it within 48 "
                "hours to confirm your address. Places are assigned on confirmation."
            )
            messages.info(self.request, message % {"email": registration.email})
        return redirect(self.get_event())

    def get_context_data(self, **kwargs):
        event = self.get_event()
        taken = event.registrations.filter(status=Registration.Status.CONFIRMED).count()
        free = None if event.capacity is None else max(0, event.capacity - taken)
        return super().get_context_data(event=event, free=free, **kwargs)


class ConfirmRegistrationView(CityMixin, TemplateView):
    """The link mailed to a new registration: opening it proves the address and takes the place
    (like the newsletter's confirmation link); opening it again only shows the place."""

    login_required = False
    template_name = "participation/registration_confirm.html"

    def get_context_data(self, **kwargs):
        registration, outcome = services.confirm_address(city=self.city, token=self.kwargs["token"])
        position = None
        if registration is not None and registration.status == Registration.Status.WAITLISTED:
            position = services.waiting_position(registration)
        return super().get_context_data(registration=registration, outcome=outcome, position=position, **kwargs)


class CancelView(CityMixin, TemplateView):
    """The link in the confirmation mail: GET asks, POST cancels (twice is harmless)."""

    login_required = False
    template_name = "participation/cancel.html"

    def get_context_data(self, **kwargs):
        registration = (
            Registration.objects.select_related("event").filter(token=self.kwargs["token"], city=self.city).first()
        )
        return super().get_context_data(registration=registration, **kwargs)

    def post(self, request, *args, **kwargs):
        registration = services.cancel(city=self.city, token=kwargs["token"])
        if registration is not None:
            messages.success(request, _("Your registration is cancelled."))
        return redirect("participation:cancel", city=self.city.slug, token=kwargs["token"])


REGISTRATION_COLUMNS = [
    Column(gettext_lazy("Name"), lambda r: r.name),
    Column(gettext_lazy("Email"), lambda r: r.email),
    Column(gettext_lazy("Status"), lambda r: r.get_status_display()),
    Column(gettext_lazy("Registered at"), lambda r: timezone.localtime(r.created_at).replace(tzinfo=None)),
    Column(pgettext_lazy("column of registrants", "Present"), lambda r: r.attended),
    Column(gettext_lazy("Answers"), lambda r: "; ".join(f"{k}: {v}" for k, v in r.answers.items())),
]


class RegistrantsView(ExportableListView):
    """Staff: registrants of an event, exports, printable sign-in sheet, check-in."""

    template_name = "participation/registrants.html"
    filterset_class = RegistrationFilter
    export_columns = REGISTRATION_COLUMNS
    export_name = "iscritti"
    permission = staticmethod(permissions.can_manage_events)
    paginate_by = 500

    def get_event(self):
        return get_object_or_404(Event.objects.for_city(self.city), pk=self.kwargs["pk"])

    def printing(self) -> bool:
        return bool(self.request.GET.get("print"))

    def base_queryset(self):
        registrations = Registration.objects.for_city(self.city).filter(event_id=self.kwargs["pk"])
        registrations = registrations.exclude(status=Registration.Status.UNVERIFIED)  # listed apart, see below
        # The sign-in sheet lists only who has a seat, numbered 1, 2, 3… without gaps.
        return registrations.filter(CONFIRMED_Q) if self.printing() else registrations

    def get_template_names(self):
        return ["participation/sign_in_sheet.html"] if self.printing() else [self.template_name]

    def get_context_data(self, **kwargs):
        event = self.get_event()
        counts = dict.fromkeys(Registration.Status.values, 0)
        for status, n in event.registrations.values_list("status").annotate(n=Count("pk")).order_by():
            counts[status] = n
        # Registrations whose address is not confirmed yet hold no place: shown apart, counted nowhere.
        unconfirmed = event.registrations.filter(status=Registration.Status.UNVERIFIED).order_by("-created_at")
        return super().get_context_data(event=event, counts=counts, unconfirmed=unconfirmed[:50], **kwargs)

    def post(self, request, *args, **kwargs):
        registration = get_object_or_404(
            Registration.objects.for_city(self.city).exclude(status=Registration.Status.UNVERIFIED),
            pk=request.POST.get("registration"),
            event_id=kwargs["pk"],
        )
        attended = request.POST.get("attended") == "1"
        services.check_in(registration=registration, attended=attended)
        message = _("%(name)s marked present.") if attended else _("%(name)s marked absent.")
        messages.success(request, message % {"name": registration.name})
        return redirect(request.get_full_path())


class EventFormView(ServiceFormView):
    """Staff write events in the back office and go back to its list of events once saved."""

    permission = staticmethod(permissions.can_manage_events)
    model, form_class = Event, EventForm
    service = staticmethod(services.event_save)
    new_title = gettext_lazy("New event")

    def form_valid(self, form):
        response = super().form_valid(form)
        event = form.instance
        if response.status_code == 302 and event.is_published and event.is_internal:
            messages.warning(
                self.request,
                _(
                    "“%(series)s” is an internal series: this event will not appear on the public portal, "
                    "although it is published. To show it to the public, choose another series or none."
                )
                % {"series": event.series},
            )
        return response

    def success_url_for(self, item):
        return reverse("participation:event-admin-list", kwargs={"city": self.city.slug})


class CalendarView(CityMixin, View):
    """All public events, or one series (?serie=slug), as an iCalendar feed."""

    login_required = False

    def get(self, request, *args, **kwargs):
        events = public.events(self.city)
        name = _("Events of %(city)s") % {"city": self.city.name}
        if request.GET.get("serie"):
            series = get_object_or_404(EventSeries.objects.for_city(self.city), slug=request.GET["serie"])
            events, name = events.filter(series=series), series.name
        return calendar_response(name, "Eventi", calendars.event_entries(events), f"eventi-{self.city.slug}")


class EventCalendarView(CityMixin, View):
    login_required = False

    def get(self, request, *args, **kwargs):
        event = get_object_or_404(visible_events(request, self.city), pk=kwargs["pk"])
        return calendar_response(event.title, "Eventi", calendars.event_entries([event]), f"evento-{event.pk}")


class SubscribeView(ratelimit.RateLimitedPostMixin, CityMixin, FormView):
    login_required = False
    template_name = "participation/subscribe.html"
    form_class = SubscribeForm

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"city": self.city}

    rate_limit = REGISTRATIONS_PER_HOUR

    @property
    def rate_scope(self):
        return f"subscribe:{self.city.slug}"

    def form_valid(self, form):
        data = form.cleaned_data
        subscriber = newsletter.subscribe(
            city=self.city,
            email=data["email"],
            segments=list(data["segments"]),
            language=data["language"],
            consent_text=str(SubscribeForm.CONSENT),
            address=ratelimit.client_address(self.request),
        )
        if subscriber.confirmation_pending:
            messages.warning(
                self.request,
                _(
                    "Your request is saved, but we could not send the confirmation mail to %(email)s right now: "
                    "we will send it again shortly. Confirm your subscription from that mail."
                )
                % {"email": subscriber.email},
            )
        else:
            messages.success(self.request, _("Almost done: confirm your subscription from the mail we sent you."))
        return redirect("participation:subscribe", city=self.city.slug)


class ConfirmView(CityMixin, TemplateView):
    login_required = False
    template_name = "participation/confirm.html"

    def get_context_data(self, **kwargs):
        subscriber, outcome = newsletter.confirm(city=self.city, token=self.kwargs["token"])
        return super().get_context_data(subscriber=subscriber, outcome=outcome, **kwargs)


@method_decorator(csrf_exempt, name="dispatch")  # for the one-click POST only: see post()
class UnsubscribeView(CityMixin, TemplateView):
    """GET asks; POST unsubscribes — also the one-click POST of mail clients (RFC 8058), which
    carries no CSRF token or cookie: its body `List-Unsubscribe=One-Click` and the subscriber's
    secret token in the address are its proof. Any other POST is checked for CSRF as usual."""

    login_required = False
    template_name = "participation/unsubscribe.html"

    def get_context_data(self, **kwargs):
        subscriber = Subscriber.objects.filter(token=self.kwargs["token"], city=self.city).first()
        return super().get_context_data(subscriber=subscriber, **kwargs)

    def post(self, request, *args, **kwargs):
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        if not one_click:
            refused = CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {})
            if refused is not None:
                return refused
        self.unsubscribe(kwargs["token"])
        if one_click:
            return HttpResponse(status=204)
        return self.get(request, *args, **kwargs)

    def unsubscribe(self, token):
        newsletter.unsubscribe(city=self.city, token=token)


class PreferencesView(CityMixin, FormView):
    login_required = False
    template_name = "participation/preferences.html"
    form_class = PreferencesForm

    def get_subscriber(self):
        return get_object_or_404(Subscriber, token=self.kwargs["token"], city=self.city)

    def get_initial(self):
        subscriber = self.get_subscriber()
        return {"segments": subscriber.segments.all(), "language": subscriber.language}

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"city": self.city}

    def form_valid(self, form):
        subscriber = self.get_subscriber()
        subscriber.language = form.cleaned_data["language"]
        subscriber.save(update_fields=["language"])
        subscriber.segments.set(form.cleaned_data["segments"])
        messages.success(self.request, _("Preferences saved."))
        return redirect(self.request.path)


class CampaignListView(CityMixin, ListView):
    template_name = "participation/campaign_list.html"
    permission = staticmethod(permissions.can_manage_events)

    def get_queryset(self):
        return (
            Campaign.objects.for_city(self.city)
            .select_related("segment")
            .annotate(
                sent=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.SENT)),
                failed=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED)),
                bounced=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.BOUNCED)),
                total=Count("deliveries"),
            )
        )


class CampaignFormView(ServiceFormView):
    permission = staticmethod(permissions.can_manage_events)
    model, form_class, service = Campaign, CampaignForm, staticmethod(services.campaign_save)
    new_title = gettext_lazy("New campaign")

    def get_initial(self):
        """A new campaign starts with the plan's latest news and the upcoming events, to edit or remove."""
        if "pk" in self.kwargs:
            return super().get_initial()
        return {"body": newsletter.starter_body(self.city)}

    def success_url_for(self, item):
        return reverse("participation:campaign-list", kwargs={"city": self.city.slug})


class CampaignSendView(CityMixin, TemplateView):
    """The confirmation before a send: GET says to how many subscribers (by language) it will go
    and who is left out; POST queues it and opens the campaign's progress."""

    template_name = "participation/campaign_send.html"
    permission = staticmethod(permissions.can_manage_events)

    def get_campaign(self):
        return get_object_or_404(
            Campaign.objects.for_city(self.city).select_related("city", "segment"), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        campaign = self.get_campaign()
        return super().get_context_data(campaign=campaign, audience=newsletter.audience(campaign), **kwargs)

    def post(self, request, *args, **kwargs):
        campaign = self.get_campaign()
        if newsletter.send_under_way(campaign):
            return self._already_under_way(campaign)
        audience = newsletter.audience(campaign)
        if audience.total == 0:
            messages.error(request, _("Nobody to send it to: no active subscriber is waiting for this campaign."))
            return redirect(request.path)
        if request.POST.get("expected") != str(audience.total):
            messages.warning(
                request, _("The subscribers changed in the meantime: check the numbers and confirm again.")
            )
            return redirect(request.path)
        if not newsletter.queue_campaign(campaign=campaign):
            return self._already_under_way(campaign)
        messages.success(
            request,
            ngettext("Sending to %(n)d subscriber queued.", "Sending to %(n)d subscribers queued.", audience.total)
            % {"n": audience.total},
        )
        return redirect("participation:campaign-detail", city=self.city.slug, pk=campaign.pk)

    def _already_under_way(self, campaign):
        messages.info(
            self.request,
            _("This campaign is already being sent: nobody receives it twice. Its progress is below."),
        )
        return redirect("participation:campaign-detail", city=self.city.slug, pk=campaign.pk)


class CampaignDetailView(CityMixin, TemplateView):
    """A campaign's deliveries: progress while it is sending, then what was sent, failed, bounced."""

    template_name = "participation/campaign_detail.html"
    permission = staticmethod(permissions.can_manage_events)

    def get_context_data(self, **kwargs):
        campaign = get_object_or_404(
            Campaign.objects.for_city(self.city).select_related("segment"), pk=self.kwargs["pk"]
        )
        counts = newsletter.delivery_counts(campaign)
        total = sum(counts.values())
        done = total - counts[Delivery.Status.QUEUED]
        problems = (
            campaign.deliveries.exclude(
                status__in=[Delivery.Status.QUEUED, Delivery.Status.SENDING, Delivery.Status.SENT]
            )
            .select_related("subscriber")
            .order_by("subscriber__email")
        )
        return super().get_context_data(
            campaign=campaign,
            counts=counts,
            total=total,
            progress=round(100 * done / total) if total else 0,
            problems=problems,
            **kwargs,
        )


class AskView(ratelimit.RateLimitedPostMixin, CityMixin, FormView):
    """The public question form of the Europe Direct desk (honeypot and rate limit, no third party)."""

    login_required = False
    template_name = "participation/ask.html"
    form_class = QuestionForm

    rate_limit = 10

    def get_initial(self):
        return super().get_initial() | citizens.prefill(self.request, self.city)

    def get_form(self, form_class=None):
        return citizens.lock_proved_fields(super().get_form(form_class), self.request, self.city)

    @property
    def rate_scope(self):
        return f"ask:{self.city.slug}"

    def form_valid(self, form):
        data = form.cleaned_data
        question = desk.ask(
            city=self.city, name=data["name"], email=data["email"], subject=data["subject"], text=data["text"]
        )
        citizens.link_question(self.request, self.city, question)
        self.request.session[ASKED_SESSION_KEY] = question.pk
        return redirect("participation:asked", city=self.city.slug)


ASKED_SESSION_KEY = "ponte_desk_question"


class AskedView(CityMixin, TemplateView):
    """The thank-you page after a question: its ticket number, for this browser only."""

    login_required = False
    template_name = "participation/asked.html"

    def get_context_data(self, **kwargs):
        question = Question.objects.for_city(self.city).filter(pk=self.request.session.get(ASKED_SESSION_KEY)).first()
        return super().get_context_data(question=question, **kwargs)


class FaqView(CityMixin, ListView):
    login_required = False
    template_name = "participation/faq.html"

    def get_queryset(self):
        return (
            Question.objects.for_city(self.city)
            .filter(in_faq=True, review_state=ReviewState.APPROVED)
            .exclude(faq_question="")
            .exclude(faq_answer="")
            .only("faq_question", "faq_answer", "answered_at")
            .order_by("-answered_at")
        )


QUESTION_COLUMNS = [
    Column(gettext_lazy("Ticket"), lambda q: q.ticket),
    Column(gettext_lazy("Received"), lambda q: timezone.localtime(q.created_at).replace(tzinfo=None)),
    Column(gettext_lazy("Subject"), lambda q: q.subject),
    Column(gettext_lazy("Status"), lambda q: q.get_status_display()),
    Column(gettext_lazy("Assigned to"), lambda q: q.assigned_to or ""),
    Column(
        gettext_lazy("Answered"),
        lambda q: timezone.localtime(q.answered_at).replace(tzinfo=None) if q.answered_at else None,
    ),
]


class DeskView(ExportableListView):
    """Staff: the desk's tickets, with monthly response times."""

    template_name = "participation/desk.html"
    permission = staticmethod(permissions.can_manage_desk)
    filterset_class = QuestionFilter
    export_columns = QUESTION_COLUMNS
    export_name = "europe-direct"

    def base_queryset(self):
        return Question.objects.for_city(self.city).select_related("assigned_to")

    def get_context_data(self, **kwargs):
        return super().get_context_data(response_times=desk.response_times(self.city), **kwargs)


class QuestionView(CityMixin, TemplateView):
    """Staff: one ticket — take it, answer it (mailed), rewrite it for the FAQ and publish or
    withdraw it, close it."""

    template_name = "participation/question.html"
    permission = staticmethod(permissions.can_manage_desk)

    def get_question(self):
        return get_object_or_404(
            Question.objects.for_city(self.city).select_related("assigned_to", "reviewed_by", "city"),
            pk=self.kwargs["pk"],
        )

    def post(self, request, *args, **kwargs):
        question = self.get_question()
        answer_form = faq_form = None
        try:
            if "take" in request.POST:
                desk.assign(question=question, user=request.user, to=request.user)
                messages.success(request, _("The question is assigned to you."))
            elif "close" in request.POST:
                desk.close(question=question, user=request.user)
                messages.success(request, _("The question is closed."))
            elif "publish" in request.POST:
                faq_form = FaqForm(request.POST)
                if not faq_form.is_valid():
                    return self.render_to_response(self.get_context_data(faq_form=faq_form))
                publish = request.POST["publish"] == "1"
                if (
                    run_service(
                        faq_form,
                        lambda: desk.faq_save(
                            question=question, user=request.user, publish=publish, **faq_form.cleaned_data
                        ),
                    )
                    is None
                ):
                    return self.render_to_response(self.get_context_data(faq_form=faq_form))
                if question.review_state == ReviewState.PENDING:
                    message = _("Sent for review: it enters the FAQ once a plan owner approves it.")
                else:
                    message = _("Published in the FAQ.") if publish else _("Saved; not published in the FAQ.")
                messages.success(request, message)
            else:
                answer_form = AnswerForm(request.POST)
                if (
                    not answer_form.is_valid()
                    or run_service(
                        answer_form,
                        lambda: desk.answer(
                            question=question, user=request.user, text=answer_form.cleaned_data["answer"]
                        ),
                    )
                    is None
                ):
                    return self.render_to_response(self.get_context_data(answer_form=answer_form))
                messages.success(request, _("Answer sent to %(email)s.") % {"email": question.email})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(request.path)

    def get_context_data(self, **kwargs):
        question = self.get_question()
        kwargs.setdefault("answer_form", AnswerForm(initial={"answer": question.answer}))
        kwargs.setdefault("faq_form", FaqForm(initial=desk.faq_draft(question)))
        return super().get_context_data(
            question=question,
            history=audit_history(question),
            faq_needs_review=review.requires_review(question, self.request.user),
            review_url=review.review_url(question) if question.review_state != ReviewState.APPROVED else "",
            **kwargs,
        )


class CampaignPreviewView(CityMixin, FormView):
    """The campaign exactly as a subscriber will receive it, and a test send to an address."""

    template_name = "participation/campaign_preview.html"
    form_class = TestSendForm
    permission = staticmethod(permissions.can_manage_events)

    def get_campaign(self):
        return get_object_or_404(Campaign.objects.for_city(self.city).select_related("city"), pk=self.kwargs["pk"])

    def get_initial(self):
        return {"email": self.request.user.email}

    def form_valid(self, form):
        address = form.cleaned_data["email"]
        try:
            newsletter.send_test(campaign=self.get_campaign(), to=address)
        except OSError as exc:
            form.add_error(None, _("The test could not be sent: %(error)s") % {"error": exc})
            return self.form_invalid(form)
        messages.success(self.request, _("Test sent to %(email)s.") % {"email": address})
        return redirect(self.request.path)

    def get_context_data(self, **kwargs):
        campaign = self.get_campaign()
        probe = Subscriber(city=self.city, email=self.request.user.email or "anteprima@example.org", language="it")
        message = newsletter.campaign_message(campaign, probe, connection=None)
        return super().get_context_data(
            campaign=campaign,
            message=message,
            html=newsletter.rich_text(campaign.body),
            unsubscribe_header=message.extra_headers["List-Unsubscribe"],
            recipients=newsletter.recipients(campaign).count(),
            **kwargs,
        )


class TrainingView(CityMixin, TemplateView):
    """The internal training catalogue: courses for city staff, their next dates and materials."""

    template_name = "participation/training.html"

    def get_context_data(self, **kwargs):
        series = (
            EventSeries.objects.for_city(self.city)
            .filter(internal=True)
            .select_related("action")
            .prefetch_related(
                "materials",
                Prefetch("events", queryset=upcoming(Event.objects.for_city(self.city).select_related("city"))),
            )
        )
        return super().get_context_data(series_list=series, document_form=DocumentForm(), **kwargs)


class TrainingMaterialView(CityMixin, FormView):
    parent_model = EventSeries
    parent_filters = {"internal": True}
    template_name = "plan/form.html"
    page_title = gettext_lazy("Add material")
    form_class = DocumentForm
    permission = staticmethod(permissions.can_manage_events)

    def form_valid(self, form):
        series = get_object_or_404(EventSeries.objects.for_city(self.city), pk=self.kwargs["pk"], internal=True)
        attachment_add(item=series, user=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("Material added to %(item)s.") % {"item": series})
        return redirect("participation:training", city=self.city.slug)
