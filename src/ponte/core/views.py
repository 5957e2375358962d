import inspect
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, ListView, TemplateView, View

from . import menu, permissions
from .exports import EXPORTERS, Column
from .filters import OrganisationFilter
from .forms import ImportForm
from .importing import IMPORTERS, result_lines
from .jobs import fail_stalled, import_previewed, live_progress, start_import
from .models import City, FollowUp, ImportJob
from .queries import organisation_list
from .services import follow_up_done


def healthz(request):
    """Liveness and database check for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "database": str(exc.__class__.__name__)}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def home(request):
    """The default city's public portal; its back office for the city's staff (after login)."""
    city = City.objects.filter(slug=settings.PONTE_DEFAULT_CITY).first() or City.objects.first()
    if city is None:
        raise Http404("No city loaded yet: run `make run` or `manage.py load_plan`.")
    if permissions.can_view(request.user, city):
        return redirect("core:staff-home", city=city.slug)
    return redirect(city)


def run_service(form, call):
    """Run a service for a valid form; model validation errors it raises go back on the form.

    Returns the service's result, or None when the form now carries errors."""
    try:
        return call()
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
        for field, field_messages in errors.items():
            form.add_error(field if field in form.fields else None, field_messages)
        return None


class CityMixin(AccessMixin):
    """Resolves the city in the URL and checks the user's right to see the page.

    `permission` is a function of (user, city); public pages set `login_required = False`.
    """

    login_required = True
    permission = staticmethod(permissions.can_view)
    # A form that adds to one item (a document to a relation, a decision to a meeting): the item's
    # model, looked up by the URL's `pk` in the city for every method, so a missing or foreign
    # item is a 404 before any form is shown; and filters it must also meet.
    parent_model = None
    parent_filters: dict = {}

    def dispatch(self, request, *args, **kwargs):
        self.city = request.city = get_object_or_404(City, slug=kwargs["city"])
        if self.login_required:
            if not request.user.is_authenticated:
                return self.handle_no_permission()
            if not self.permission(request.user, self.city):
                raise PermissionDenied
        self.check_parent()
        return super().dispatch(request, *args, **kwargs)

    def check_parent(self):
        """404 unless the item the page belongs to exists in this city (see `parent_model`)."""
        if self.parent_model is not None:
            self.parent_item = get_object_or_404(
                self.parent_model.objects.for_city(self.city), pk=self.kwargs["pk"], **self.parent_filters
            )

    def get_context_data(self, **kwargs):
        # The URL's `city` slug must not shadow the City object in templates.
        kwargs["city"] = self.city
        return super().get_context_data(**kwargs)


class FilteredListView(CityMixin, ListView):
    """A list that filters, sorts and searches (django-filter) and paginates keeping the filter.

    Subclasses give `filterset_class` and `base_queryset()`.
    """

    paginate_by = 50
    filterset_class = None

    def base_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        self.filterset = self.filterset_class(
            self.request.GET or None, queryset=self.base_queryset(), request=self.request, city=self.city
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        context.update(filter=self.filterset, querystring=query.urlencode())
        return context


class ExportableListView(FilteredListView):
    """A filtered list that also exports CSV/XLSX (`?export=csv|xlsx`).

    Subclasses give `filterset_class`, `base_queryset()`, `export_columns` and `export_name`.
    """

    export_columns: list = []
    export_name = "export"

    def get(self, request, *args, **kwargs):
        exporter = EXPORTERS.get(request.GET.get("export", ""))
        if exporter:
            return exporter(self.get_queryset(), self.export_columns, self.export_name)
        return super().get(request, *args, **kwargs)


ORGANISATION_COLUMNS = [
    Column(gettext_lazy("Code"), lambda o: o.slug),
    Column(gettext_lazy("Name"), lambda o: o.name),
    Column(gettext_lazy("Name (English)"), lambda o: o.name_en),
    Column(gettext_lazy("Kind"), lambda o: o.get_kind_display()),
    Column(gettext_lazy("Part of"), lambda o: o.parent or ""),
    Column(gettext_lazy("Country"), lambda o: o.country),
    Column(gettext_lazy("Town or city"), lambda o: o.locality),
    Column(gettext_lazy("Website"), lambda o: o.website),
    Column(gettext_lazy("PIC"), lambda o: o.pic),
    Column(gettext_lazy("VAT number or tax code"), lambda o: o.tax_code),
    Column(gettext_lazy("Description"), lambda o: o.description),
    Column(gettext_lazy("Source in the plan"), lambda o: o.source),
]


class OrganisationListView(ExportableListView):
    """The directory of offices, bodies, networks, partners and cities the city works with."""

    template_name = "core/organisation_list.html"
    filterset_class = OrganisationFilter
    export_columns = ORGANISATION_COLUMNS
    export_name = "organizzazioni"

    def base_queryset(self):
        return organisation_list(self.city)

    def get_context_data(self, **kwargs):
        from .identity import possible_duplicates

        context = super().get_context_data(**kwargs)
        if permissions.can_manage_organisations(self.request.user, self.city):
            context["duplicates"] = possible_duplicates(self.city)
        return context


class ImportListView(CityMixin, FormView):
    """Upload an open-data file; it is imported in the background, all or nothing."""

    template_name = "core/import_list.html"
    form_class = ImportForm
    permission = staticmethod(permissions.can_manage_funds)

    def get_form_kwargs(self):
        sources = [(kind, importer.label) for kind, importer in sorted(IMPORTERS.items())]
        return super().get_form_kwargs() | {"sources": sources}

    def form_valid(self, form):
        data = form.cleaned_data
        dry_run = "preview" in self.request.POST
        job = start_import(
            city=self.city,
            user=self.request.user,
            kind=data["source"],
            file=data["file"],
            extra_file=data.get("extra_file"),
            dry_run=dry_run,
        )
        if dry_run:
            message = _("Preview of %(file)s started: nothing will be written.")
        else:
            message = _("Import of %(file)s started.")
        messages.success(self.request, message % {"file": data["file"].name})
        return redirect("core:import-detail", city=self.city.slug, pk=job.pk)

    def get_context_data(self, **kwargs):
        jobs = fail_stalled(ImportJob.objects.for_city(self.city).select_related("created_by")[:20])
        jobs = [live_progress(job) for job in jobs]
        return super().get_context_data(jobs=jobs, **kwargs)


class ImportJobMixin(CityMixin):
    """One import of the city, declared failed first if its worker has stopped."""

    permission = staticmethod(permissions.can_manage_funds)

    def get_job(self) -> ImportJob:
        job = get_object_or_404(
            ImportJob.objects.for_city(self.city).select_related("created_by"), pk=self.kwargs["pk"]
        )
        return live_progress(fail_stalled([job])[0])


class ImportDetailView(ImportJobMixin, TemplateView):
    """An import's state; while it runs, the page follows it (ImportStatusView) until it ends."""

    template_name = "core/import_detail.html"

    def get_context_data(self, **kwargs):
        job = self.get_job()
        return super().get_context_data(job=job, results=result_lines(job.summary), **kwargs)


class ImportPreviewedView(ImportJobMixin, View):
    """Import for real the files of a finished preview."""

    def post(self, request, *args, **kwargs):
        preview = self.get_job()
        if not preview.dry_run or preview.status != ImportJob.Status.DONE or not preview.file:
            messages.error(request, _("Only a finished preview can be imported."))
            return redirect("core:import-detail", city=self.city.slug, pk=preview.pk)
        job = import_previewed(preview=preview, user=request.user)
        messages.success(request, _("Import of %(file)s started.") % {"file": preview.source_name})
        return redirect("core:import-detail", city=self.city.slug, pk=job.pk)


class ImportStatusView(ImportJobMixin, View):
    """The state of an import as JSON, polled by its page while it runs."""

    def get(self, request, *args, **kwargs):
        job = self.get_job()
        return JsonResponse(
            {
                "status": job.status,
                "label": job.get_status_display(),
                "finished": job.is_finished,
                "percent": job.percent,
                "rows": job.rows_read,
            }
        )


def edit_title(item) -> str:
    """The title of an item's edit page, naming the kind and the item ("Modifica azione 1.2 …")."""
    return _("Edit %(kind)s %(item)s") % {"kind": item._meta.verbose_name, "item": item}


def saved_message(item) -> str:
    """What the back office says after a save, naming what was saved."""
    return _("Saved: %(kind)s «%(item)s».") % {"kind": item._meta.verbose_name, "item": item}


class ServiceFormView(CityMixin, FormView):
    """Create (no pk) or edit (pk in the URL) one item through its service; model validation
    errors raised by the service are shown on the form."""

    template_name = "plan/form.html"
    permission = staticmethod(permissions.can_manage_plan)
    model = None
    service = None  # services.<item>_save(*, <service_argument>=item, user)
    service_argument = ""  # the service's keyword for the item; the model's name if not given
    new_title = ""

    def __init_subclass__(cls, **kwargs):
        """A view whose service does not take the item by the keyword it passes is refused at
        import, not on the first save (`membership_save(networkmembership=…)` was a 500)."""
        super().__init_subclass__(**kwargs)
        if cls.model is None or cls.service is None:
            return
        parameters = inspect.signature(cls.service).parameters
        takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
        missing = {cls.item_argument(), "user"} - set(parameters)
        if missing and not takes_any:
            raise ImproperlyConfigured(
                f"{cls.__qualname__}: {cls.service.__qualname__}() takes no {', '.join(sorted(missing))}; "
                "set service_argument to the keyword it takes the item by."
            )

    @classmethod
    def item_argument(cls) -> str:
        return cls.service_argument or cls.model._meta.model_name

    def get_instance(self):
        if not hasattr(self, "_instance"):
            if "pk" in self.kwargs:
                self._instance = get_object_or_404(self.model.objects.for_city(self.city), pk=self.kwargs["pk"])
            else:
                self._instance = self.new_instance()
        return self._instance

    def new_instance(self):
        return self.model(city=self.city)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": self.get_instance(), "city": self.city}

    def form_valid(self, form):
        item = run_service(
            form, partial(self.service, **{self.item_argument(): form.save(commit=False), "user": self.request.user})
        )
        if item is None:
            return self.form_invalid(form)
        form.save_m2m()
        messages.success(self.request, self.success_message(item))
        return redirect(self.success_url_for(item))

    def success_message(self, item) -> str:
        return saved_message(item)

    def success_url_for(self, item):
        return item.get_absolute_url()

    def get_context_data(self, **kwargs):
        instance = self.get_instance()
        title = edit_title(instance) if instance.pk else self.new_title or capfirst(instance._meta.verbose_name)
        return super().get_context_data(title=title, **kwargs)


class FollowUpDoneView(CityMixin, View):
    """Mark a follow-up done (from whatever page shows it) and go back to its origin."""

    def post(self, request, *args, **kwargs):
        task = get_object_or_404(FollowUp.objects.for_city(self.city).select_related("owner"), pk=kwargs["task"])
        follow_up_done(task=task, user=request.user)
        messages.success(request, _("Follow-up done: %(item)s.") % {"item": task})
        back = request.POST.get("next", "")  # the staff's home, when marked done from there
        if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
            return redirect(back)
        return redirect(task.origin)


class StaffHomeView(CityMixin, TemplateView):
    """The staff's home is their work: their actions, the updates and deadlines coming, the
    questions and imports waiting (each app gives its cards, see `ponte.core.menu`)."""

    template_name = "backoffice/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("My work"),
            panels=menu.home_panels(self.request, self.city),
            **kwargs,
        )
