"""Users and roles, managed by the city's administrators from the back office.

No Django superuser or staff flag is needed: an administrator invites a person by e-mail
(the mail carries a single-use link to choose a password), changes a role, or takes it away."""

from functools import partial

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, View

from . import permissions, queries, services
from .filters import CityFilterSet, sort_by
from .forms import StyledFormMixin
from .models import Membership, Organisation
from .views import CityMixin, FilteredListView, run_service


def offices(city):
    return Organisation.objects.for_city(city).filter(kind=Organisation.Kind.CITY_OFFICE)


class RoleForm(StyledFormMixin, forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Membership.Role.choices)
    office = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=gettext_lazy("Office"),
        help_text=gettext_lazy("Required for office editors: the office whose actions and indicators they edit."),
    )

    def __init__(self, *args, city, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices(city)


class InviteForm(RoleForm):
    email = forms.EmailField(label=gettext_lazy("Email"))
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150, required=False)

    field_order = ["email", "first_name", "last_name", "role", "office"]


class StaffFilter(CityFilterSet):
    q = django_filters.CharFilter(method="search_people", label=gettext_lazy("Search"))
    role = django_filters.ChoiceFilter(choices=Membership.Role.choices, label=gettext_lazy("Role"))
    office = django_filters.ModelChoiceFilter(queryset=Organisation.objects.all(), label=gettext_lazy("Office"))
    ordering = sort_by(
        ("user__last_name", "name", gettext_lazy("Name")),
        ("user__email", "email", gettext_lazy("Email")),
        ("role", "role", gettext_lazy("Role")),
    )

    class Meta:
        model = Membership
        fields = ["q", "role", "office"]

    def __init__(self, *args, city, **kwargs):
        super().__init__(*args, city=city, **kwargs)
        self.filters["office"].queryset = offices(city)

    def search_people(self, queryset, name, value):
        return queryset.filter(
            Q(user__email__icontains=value)
            | Q(user__first_name__icontains=value)
            | Q(user__last_name__icontains=value)
            | Q(user__username__icontains=value)
        )


class UserListView(FilteredListView):
    """The city's staff with their role and office; invite, change a role, revoke."""

    template_name = "core/user_list.html"
    filterset_class = StaffFilter
    permission = staticmethod(permissions.can_manage_users)

    def base_queryset(self):
        return queries.staff_list(self.city)

    def get_context_data(self, **kwargs):
        return super().get_context_data(history=queries.staff_history(self.city), **kwargs)


class UserInviteView(CityMixin, FormView):
    template_name = "plan/form.html"
    form_class = InviteForm
    permission = staticmethod(permissions.can_manage_users)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"city": self.city}

    def form_valid(self, form):
        invite = partial(services.staff_invite, city=self.city, user=self.request.user, **form.cleaned_data)
        result = run_service(form, invite)
        if result is None:
            return self.form_invalid(form)
        membership, mailed = result
        if mailed:
            messages.success(self.request, _("Invitation sent to %(email)s.") % {"email": membership.user.email})
        else:
            messages.warning(
                self.request,
                _("%(email)s has the role, but the invitation could not be mailed: send it again later.")
                % {"email": membership.user.email},
            )
        return redirect("core:user-list", city=self.city.slug)

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Invite a person"), **kwargs)


class MembershipMixin(CityMixin):
    permission = staticmethod(permissions.can_manage_users)

    def get_membership(self):
        if not hasattr(self, "_membership"):
            self._membership = get_object_or_404(queries.staff_list(self.city), pk=self.kwargs["pk"])
        return self._membership


def person_name(membership) -> str:
    return membership.user.get_full_name() or membership.user.email or membership.user.get_username()


class UserRoleView(MembershipMixin, FormView):
    template_name = "plan/form.html"
    form_class = RoleForm

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"city": self.city}

    def get_initial(self):
        membership = self.get_membership()
        return {"role": membership.role, "office": membership.office}

    def form_valid(self, form):
        membership = self.get_membership()
        change = partial(services.staff_role_change, membership=membership, user=self.request.user, **form.cleaned_data)
        if run_service(form, change) is None:
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(person)s is now %(role)s.")
            % {"person": person_name(membership), "role": membership.get_role_display()},
        )
        return redirect("core:user-list", city=self.city.slug)

    def get_context_data(self, **kwargs):
        title = _("Role of %(person)s") % {"person": person_name(self.get_membership())}
        return super().get_context_data(title=title, **kwargs)


class UserRevokeView(MembershipMixin, FormView):
    """GET asks for confirmation; POST takes the role away."""

    template_name = "core/user_revoke.html"
    form_class = forms.Form

    def form_valid(self, form):
        membership = self.get_membership()
        if run_service(form, partial(services.staff_revoke, membership=membership, user=self.request.user)) is None:
            return self.form_invalid(form)
        messages.success(self.request, _("%(person)s no longer has a role.") % {"person": person_name(membership)})
        return redirect("core:user-list", city=self.city.slug)

    def get_context_data(self, **kwargs):
        membership = self.get_membership()
        title = _("Revoke the role of %(person)s") % {"person": person_name(membership)}
        return super().get_context_data(title=title, membership=membership, **kwargs)


class UserReinviteView(MembershipMixin, View):
    def post(self, request, *args, **kwargs):
        membership = self.get_membership()
        if services.staff_invitation_send(membership=membership, user=request.user):
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": membership.user.email})
        else:
            messages.error(request, _("The invitation could not be mailed: try again later."))
        return redirect("core:user-list", city=self.city.slug)


class StyledSetPasswordForm(StyledFormMixin, SetPasswordForm):
    pass


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """The invitation's link: choose a password, then sign in."""

    template_name = "registration/password_set.html"
    form_class = StyledSetPasswordForm
    success_url = reverse_lazy("login")
    reset_url_token = "imposta"  # noqa: S105 - the URL word that replaces the token after the first visit

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is set: sign in now."))
        return response
