"""Users and roles, managed by the city's administrators from the back office.

No Django superuser or staff flag is needed: an administrator invites a person by e-mail
(the mail carries a single-use link to choose a password), changes a role, or takes it away."""

from functools import partial

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, View

from . import permissions, queries, services, sso
from .filters import CityFilterSet, sort_by
from .forms import StyledAuthenticationForm, StyledFormMixin
from .models import Membership, Organisation
from .ratelimit import RateLimitedPostMixin
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The least a new person may do; a larger role is a deliberate choice.
        self.fields["role"].initial = Membership.Role.VIEWER


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
        from django_otp.plugins.otp_totp.models import TOTPDevice
        from django_otp_webauthn.models import WebAuthnCredential

        # Whether each person has a second factor an administrator could reset (issue 14).
        enrolled = Exists(TOTPDevice.objects.filter(user=OuterRef("user"), confirmed=True)) | Exists(
            WebAuthnCredential.objects.filter(user=OuterRef("user"), confirmed=True)
        )
        return queries.staff_list(self.city).annotate(has_two_factor=enrolled)

    def get_context_data(self, **kwargs):
        system_admins = list(queries.system_administrators(self.city)) if not self.filtered() else []
        history = list(queries.staff_history(self.city))
        for entry in history:
            entry.role_name = role_name(entry)
        context = super().get_context_data(history=history, system_admins=system_admins, **kwargs)
        context["list_count"] = context["paginator"].count + len(system_admins)
        return context

    def filtered(self) -> bool:
        return any(self.request.GET.get(name) for name in ("q", "role", "office"))


def role_name(entry) -> str:
    """The role an audit entry of a membership gave, changed to or took away, by its name."""
    before, after = (entry.changes_dict.get("role") or [None, None])[:2]
    value = before if entry.action == entry.Action.DELETE else after
    return Membership.Role(value).label if value in Membership.Role.values else ""


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
        return super().get_context_data(title=_("Invite a person"), submit_label=_("Send the invitation"), **kwargs)


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


class LoginForm(StyledAuthenticationForm):
    """Django's login, which also tells a person who typed the right password that their account
    has no role any more (revoked). Only the right password gets that answer, so the page tells
    a stranger nothing about which addresses have an account; the work of hashing is the same
    whether the account exists or not."""

    error_messages = {
        **StyledAuthenticationForm.error_messages,
        "no_role": gettext_lazy(
            "This account has no role in any city's back office (it was revoked): "
            "ask your city's administrator to invite you again."
        ),
    }

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError as error:
            if error.code == "invalid_login" and self.right_password_without_role():
                raise forms.ValidationError(self.error_messages["no_role"], code="no_role") from None
            raise

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not queries.has_a_role(user):
            raise forms.ValidationError(self.error_messages["no_role"], code="no_role")

    def right_password_without_role(self) -> bool:
        User = get_user_model()
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        try:
            account = User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist:
            User().set_password(password)  # as long as checking a password
            return False
        return account.check_password(password) and not queries.has_a_role(account)


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """The invitation's link: choose a password, then sign in.

    A link of an account that has no role any more (revoked) is refused with a word saying so,
    and nothing changes; a used or expired link says how to get a new one."""

    template_name = "registration/password_set.html"
    form_class = StyledSetPasswordForm
    success_url = reverse_lazy("login")
    reset_url_token = "imposta"  # noqa: S105 - the URL word that replaces the token after the first visit
    heading = gettext_lazy("Choose your password")
    done_message = gettext_lazy("Your password is set: sign in now.")
    without_role = False

    def get_user(self, uidb64):
        account = super().get_user(uidb64)
        if account is not None and not queries.has_a_role(account):
            token = self.kwargs.get("token")
            if token == self.reset_url_token:
                token = self.request.session.get(auth_views.INTERNAL_RESET_SESSION_TOKEN)
            # Said only to the holder of a good link: a made-up one learns nothing of the account.
            self.without_role = bool(token) and self.token_generator.check_token(account, token)
            return None
        return account

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, self.done_message)
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.heading, without_role=self.without_role, **kwargs)


class PasswordResetSetView(PasswordSetView):
    """The forgotten password's link: choose a new password, and be signed in."""

    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"  # the lockout backend signs no one in
    success_url = reverse_lazy("home")
    reset_url_token = "nuova"  # noqa: S105
    heading = gettext_lazy("Choose a new password")
    done_message = gettext_lazy("Your new password is set: you are signed in.")

    def form_valid(self, form):
        if sso.password_refused(form.user):  # PONTE_OIDC_ONLY: the password does not sign this account in
            self.post_reset_login, self.success_url = False, reverse_lazy("login")
            self.done_message = _(
                "Your new password is set, but your account signs in with the City's account: use its button."
            )
        return super().form_valid(form)


class StyledPasswordResetForm(StyledFormMixin, PasswordResetForm):
    """The address to send the link to; the mail leaves through `services.password_reset_send`."""

    def save(self, **kwargs):
        services.password_reset_send(email=self.cleaned_data["email"])


class PasswordResetRequestView(RateLimitedPostMixin, auth_views.PasswordResetView):
    """ "Forgot your password?": an address in, a mail out (the same answer for any address)."""

    template_name = "registration/password_reset_form.html"
    form_class = StyledPasswordResetForm
    success_url = reverse_lazy("password-reset-sent")
    rate_scope = "password-reset"
    rate_limit = 10


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"

    def get_context_data(self, **kwargs):
        from django.conf import settings

        return super().get_context_data(days=max(1, settings.PASSWORD_RESET_TIMEOUT // 86400), **kwargs)
