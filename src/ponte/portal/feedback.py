"""What citizens tell the Comune about the portal (Designers Italia municipal model):

- "Valuta questo sito": the clarity rating of a public page, 1 to 5 stars, then what was clear or
  hard from the model's fixed list and a short optional text. A plain form POST that comes back to
  the page (the JavaScript only shows the steps one at a time); nothing about the person is kept.
- "Segnala un disservizio": a report that reaches the Europe Direct desk as a numbered ticket
  (`participation.desk.ask`) with its category in the subject, acknowledged by mail.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView

from ponte.core import ratelimit
from ponte.core.forms import HoneypotMixin, StyledFormMixin
from ponte.core.views import CityMixin
from ponte.participation import desk
from ponte.participation.models import Question

from .models import NEGATIVE_REASONS, POSITIVE_ABOVE, POSITIVE_REASONS, PageRating

# What the rating block shows after the POST came back: {"path", "thanks" or "errors"}.
RATING_SESSION_KEY = "ponte_page_rating"
BACK_OFFICE_PREFIXES = ("gestione", "accounts", "admin")


class RatingForm(forms.Form):
    stars = forms.TypedChoiceField(
        label=_("How clear is the information on this page?"),
        choices=[(n, n) for n in range(1, 6)],
        coerce=int,
        error_messages={"required": _("Choose from 1 to 5 stars.")},
    )
    positive_reason = forms.ChoiceField(
        label=_("What did you like best?"), choices=[(r.value, r.label) for r in POSITIVE_REASONS], required=False
    )
    negative_reason = forms.ChoiceField(
        label=_("Where did you find the greatest difficulties?"),
        choices=[(r.value, r.label) for r in NEGATIVE_REASONS],
        required=False,
    )
    comment = forms.CharField(
        label=_("Would you like to tell us more? (optional)"),
        max_length=200,
        required=False,
        error_messages={"max_length": _("At most %(limit_value)d characters, please.")},
    )
    page = forms.CharField(max_length=300)

    def __init__(self, *args, city, **kwargs):
        super().__init__(*args, **kwargs)
        self.city = city

    def clean_page(self):
        """A public page of this city, by its path: never another site, never the back office."""
        path = self.cleaned_data["page"].split("?")[0].split("#")[0]
        parts = path.strip("/").split("/")
        if (
            not url_has_allowed_host_and_scheme(path, allowed_hosts=None)
            or not path.startswith(f"/{self.city.slug}/")
            or (len(parts) > 1 and parts[1] in BACK_OFFICE_PREFIXES)
        ):
            raise ValidationError(gettext("This page cannot be rated."))
        try:
            resolve(path)
        except Resolver404:
            raise ValidationError(gettext("This page cannot be rated.")) from None
        return path

    def clean(self):
        data = super().clean()
        stars = data.get("stars")
        if stars is None:
            return data
        chosen, other = (
            ("positive_reason", "negative_reason") if stars > POSITIVE_ABOVE else ("negative_reason", "positive_reason")
        )
        if data.get(other) and not data.get(chosen):
            self.add_error(
                chosen,
                gettext("With 4 or 5 stars, choose what you liked best.")
                if stars > POSITIVE_ABOVE
                else gettext("With 1 to 3 stars, choose where you found difficulties."),
            )
        data["reason"] = data.get(chosen, "")
        return data


def rate_page(*, city, path: str, stars: int, reason: str = "", comment: str = "") -> PageRating:
    """Keep one rating of a page; the text on one line, without what the person typed around it."""
    rating = PageRating(city=city, path=path, stars=stars, reason=reason, comment=" ".join(comment.split())[:200])
    rating.full_clean()
    rating.save()
    return rating


class RatePageView(CityMixin, View):
    """The rating block's POST: keep the rating, go back to the page, which says thanks (or why not)."""

    login_required = False
    http_method_names = ["post"]
    rate_limit = 20

    def post(self, request, *args, **kwargs):
        form = RatingForm(request.POST, city=self.city)
        valid = form.is_valid()
        back = form.cleaned_data.get("page") or f"/{self.city.slug}/"  # a refused page: the home
        if not ratelimit.allow(request, f"rate-page:{self.city.slug}", limit=self.rate_limit):
            outcome = {
                "errors": {"general": [gettext("Too many requests from this connection: please try again later.")]}
            }
        elif valid:
            data = form.cleaned_data
            rate_page(city=self.city, path=back, stars=data["stars"], reason=data["reason"], comment=data["comment"])
            outcome = {"thanks": True}
        else:
            typed = {
                name: request.POST.get(name, "")[:200]
                for name in ("stars", "positive_reason", "negative_reason", "comment")
            }
            outcome = {
                "errors": {field.replace("__all__", "general"): list(errors) for field, errors in form.errors.items()},
                "data": typed,
            }
        request.session[RATING_SESSION_KEY] = {"path": back, **outcome}  # read by the `rating_block` tag
        return redirect(f"{back}#valuta")


DISSERVICE_CATEGORIES = [
    ("information", _("Missing, wrong or outdated information")),
    ("page", _("Page, link or document not working")),
    ("service", _("Online service or form not working")),
    ("accessibility", _("Accessibility problem")),
    ("desk", _("Desk, event or appointment")),
    ("other", _("Other")),
]


class DisserviceForm(StyledFormMixin, HoneypotMixin, forms.Form):
    name = forms.CharField(label=_("Name and surname (optional)"), max_length=200, required=False)
    email = forms.EmailField(label=_("Email"), max_length=254)
    category = forms.ChoiceField(label=_("Category"), choices=[("", "—"), *DISSERVICE_CATEGORIES])
    page = forms.CharField(
        label=_("Page or service concerned"),
        max_length=300,
        required=False,
        help_text=_("The address of the page or the name of the service, if you know it."),
    )
    text = forms.CharField(
        label=_("Describe the problem"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=3000,
        error_messages={"max_length": _("At most %(limit_value)d characters, please.")},
    )
    consent = forms.BooleanField(label=_("I agree that my data are used to handle my report."))


def report_disservice(*, city, name: str, email: str, category: str, page: str, text: str) -> Question:
    """The report as a Europe Direct ticket: the category in the subject, the page above the text."""
    label = dict(DISSERVICE_CATEGORIES)[category]
    kind = gettext("Disservice")
    subject = f"{kind}: {label}"
    body = f"{gettext('Page or service concerned')}: {page.strip()}\n\n{text.strip()}" if page.strip() else text
    # The acknowledgement opens with "Dear <name>,": without a name, a neutral greeting.
    return desk.ask(
        city=city,
        name=name.strip() or pgettext("greeting without a name", "user"),
        email=email,
        subject=subject,
        text=body,
    )


DISSERVICE_SESSION_KEY = "ponte_disservice"


class DisserviceView(ratelimit.RateLimitedPostMixin, CityMixin, FormView):
    login_required = False
    template_name = "portal/disservice.html"
    form_class = DisserviceForm
    rate_limit = 10

    @property
    def rate_scope(self):
        return f"disservice:{self.city.slug}"

    def get_initial(self):
        return {"page": self.request.GET.get("pagina", "")[:300]}

    def get_context_data(self, **kwargs):
        return super().get_context_data(public=True, no_rating=True, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        question = report_disservice(
            city=self.city, **{k: data[k] for k in ("name", "email", "category", "page", "text")}
        )
        self.request.session[DISSERVICE_SESSION_KEY] = question.pk
        return redirect("portal:disservice-sent", city=self.city.slug)


class DisserviceSentView(CityMixin, TemplateView):
    """The thank-you page: the ticket number, for this browser only."""

    login_required = False
    template_name = "portal/disservice_sent.html"

    def get_context_data(self, **kwargs):
        question = (
            Question.objects.for_city(self.city).filter(pk=self.request.session.get(DISSERVICE_SESSION_KEY)).first()
        )
        return super().get_context_data(question=question, public=True, no_rating=True, **kwargs)
