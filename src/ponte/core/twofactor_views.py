"""Pages of two-factor authentication (issue 14); the rules are in `ponte.core.twofactor`, the
passkeys' endpoints in `ponte.core.passkeys`."""

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from . import passkeys, sso, twofactor
from .forms import StyledFormMixin
from .lockout import lockout_response
from .users import MembershipMixin, person_name


class CodeForm(StyledFormMixin, forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        help_text=gettext_lazy("The 6 digits your authenticator app shows now, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )


class EnrolCodeForm(CodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = _("The 6 digits the app shows now for Ponte.")


class NextMixin:
    def next_url(self):
        wanted = self.request.POST.get("next") or self.request.GET.get("next") or ""
        allowed = url_has_allowed_host_and_scheme(wanted, {self.request.get_host()}, self.request.is_secure())
        return wanted if allowed else "/"

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=self.next_url(), **kwargs)


class TwoFactorVerifyView(LoginRequiredMixin, NextMixin, FormView):
    """After the password: the code from the app (or a recovery code). A wrong code counts as a
    failed sign-in for the lockout (django-axes)."""

    template_name = "registration/two_factor_verify.html"
    form_class = CodeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and twofactor.session_step(request) != twofactor.VERIFY:
            return redirect(self.next_url())
        return super().dispatch(request, *args, **kwargs)

    def credentials(self):
        return {"username": self.request.user.get_username()}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not twofactor.has_app(self.request.user):  # passkeys only: the codes are the way without them
            form.fields["code"].help_text = _("One of your recovery codes: each works once.")
            form.fields["code"].widget.attrs.pop("autofocus", None)
        return form

    def form_valid(self, form):
        request = self.request
        if AxesProxyHandler.is_locked(request, self.credentials()):
            logout(request)
            return lockout_response(request)
        device = twofactor.verify(request.user, form.cleaned_data["code"])
        if device is None:
            user_login_failed.send(sender=__name__, credentials=self.credentials(), request=request)
            if getattr(request, "axes_locked_out", False):
                logout(request)
                return lockout_response(request)
            form.add_error("code", _("This code is not right, or was already used. Type the code the app shows now."))
            return self.form_invalid(form)
        otp_login(request, device)
        request.session[twofactor.SESSION_KEY] = ""
        if isinstance(device, StaticDevice):
            messages.warning(
                request,
                _("You signed in with a recovery code; %(count)s are left. Each code works only once.")
                % {"count": twofactor.recovery_codes_left(request.user)},
            )
        return redirect(self.next_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context |= {"has_app": twofactor.has_app(user), "has_passkeys": twofactor.passkeys(user).exists()}
        if context["has_passkeys"]:
            context["passkey_config"] = passkeys.configuration(self.request)
        return context


class TwoFactorEnrolView(LoginRequiredMixin, NextMixin, FormView):
    """Enrolment: scan the QR code (or type the key), confirm one code; then the ten recovery
    codes, shown once."""

    template_name = "registration/two_factor_enrol.html"
    form_class = EnrolCodeForm

    def dispatch(self, request, *args, **kwargs):
        # Someone enrolled who has not given the code yet proves it before replacing the app.
        if request.user.is_authenticated and twofactor.session_step(request) == twofactor.VERIFY:
            return redirect(twofactor.page_for(twofactor.VERIFY, self.next_url()))
        return super().dispatch(request, *args, **kwargs)

    def device(self):
        if not hasattr(self, "_device"):
            pk = self.request.session.get(twofactor.ENROLLING_KEY)
            found = TOTPDevice.objects.filter(pk=pk, user=self.request.user, confirmed=False).first() if pk else None
            if found is None and self.request.method == "GET":
                found = twofactor.start_enrolment(self.request.user)
                self.request.session[twofactor.ENROLLING_KEY] = found.pk
            self._device = found
        return self._device

    def post(self, request, *args, **kwargs):
        if self.device() is None:
            return redirect(request.get_full_path())
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        device = self.device()
        codes = twofactor.confirm_enrolment(device, form.cleaned_data["code"])
        if codes is None:
            form.add_error("code", _("This code is not right. Type the code the app shows now."))
            return self.form_invalid(form)
        del self.request.session[twofactor.ENROLLING_KEY]
        otp_login(self.request, device)
        self.request.session[twofactor.SESSION_KEY] = ""
        return self.render_to_response(self.get_context_data(recovery_codes=codes))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "recovery_codes" not in kwargs:
            device = self.device()
            context |= {
                "qr_code": twofactor.qr_code_data_uri(device),
                "key": twofactor.readable_key(device),
                "required": twofactor.required(self.request.user),
                "passkey_config": passkeys.configuration(self.request),
                "name_form": PasskeyNameForm(),
            }
        return context


class TwoFactorAccountView(LoginRequiredMixin, TemplateView):
    """The person's own page: whether their sign-in asks for a second factor, the app (set it up
    or move it), their passkeys (add, name, remove) and the recovery codes left."""

    template_name = "registration/two_factor_account.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        keys = list(twofactor.passkeys(user))
        for key in keys:
            key.removable = twofactor.can_remove_passkey(user, key)
        return super().get_context_data(
            enrolled=twofactor.enrolled(user),
            has_app=twofactor.has_app(user),
            passkeys=keys,
            required=twofactor.required(user),
            recovery_left=twofactor.recovery_codes_left(user),
            provider_factor=bool((self.request.session.get(sso.SESSION_KEY) or {}).get("mfa"))
            and not twofactor.session_step(self.request),
            passkey_config=passkeys.configuration(self.request),
            name_form=PasskeyNameForm(),
            **kwargs,
        )


class PasskeyNameForm(StyledFormMixin, forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name of the passkey"),
        max_length=64,
        required=False,
        help_text=gettext_lazy("To tell your passkeys apart, for example “Office key” or “My phone”."),
    )
    credential = forms.IntegerField(widget=forms.HiddenInput)


class PasskeyNameView(LoginRequiredMixin, NextMixin, View):
    """Right after a passkey is registered (ponte/passkeys.js sends this form): its name. When it
    is the person's first second factor, the ten recovery codes come with it, shown once."""

    def post(self, request, *args, **kwargs):
        form = PasskeyNameForm(request.POST)
        if not form.is_valid():
            return redirect("two-factor")
        credential = get_object_or_404(WebAuthnCredential, pk=form.cleaned_data["credential"], user=request.user)
        if name := form.cleaned_data["name"].strip():
            credential.name = name
            credential.save(update_fields=["name"])
        if not twofactor.has_app(request.user) and not twofactor.has_recovery_codes(request.user):  # the first
            codes = twofactor.new_recovery_codes(request.user)
            request.session[twofactor.SESSION_KEY] = ""
            context = {"recovery_codes": codes, "next": self.next_url(), "passkey": credential}
            return TemplateResponse(request, "registration/two_factor_enrol.html", context)
        messages.success(request, _("The passkey “%(name)s” was added.") % {"name": credential.name})
        return redirect(self.next_url())


class PasskeyRemoveView(LoginRequiredMixin, TemplateView):
    """Asks before removing one of the person's passkeys; refuses the last second factor of
    someone who must have one."""

    template_name = "registration/two_factor_passkey_remove.html"

    def credential(self):
        return get_object_or_404(twofactor.passkeys(self.request.user), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        credential = self.credential()
        removable = twofactor.can_remove_passkey(self.request.user, credential)
        return super().get_context_data(passkey=credential, removable=removable, **kwargs)

    def post(self, request, *args, **kwargs):
        credential = self.credential()
        if not twofactor.remove_passkey(request.user, credential):
            messages.error(
                request, _("This is your only second factor and your role requires one: it cannot be removed.")
            )
            return redirect("two-factor")
        messages.success(request, _("The passkey “%(name)s” was removed.") % {"name": credential.name})
        return redirect("two-factor")


class UserTwoFactorResetView(MembershipMixin, View):
    """An administrator takes away a person's second factor (a lost phone)."""

    def post(self, request, *args, **kwargs):
        membership = self.get_membership()
        twofactor.reset(membership.user)
        messages.success(
            request,
            _("The two-factor authentication of %(person)s was reset: they set it up again at their next sign-in.")
            % {"person": person_name(membership)},
        )
        return redirect("core:user-list", city=self.city.slug)
