from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from ponte.core import files as core_files
from ponte.core import sso, twofactor_views
from ponte.core import users as core_users
from ponte.core import views as core_views
from ponte.portal import views as portal_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", RedirectView.as_view(url=lazy(static_url, str)("ponte/favicon.ico"), permanent=True)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accesso/", sso.SignInView.as_view(authentication_form=core_users.LoginForm), name="login"),
    path("uscita/", sso.SignOutView.as_view(), name="logout"),
    path("accesso/comune/", sso.SignOnStartView.as_view(), name="sso-start"),
    path("accesso/comune/ritorno/", sso.SignOnCallbackView.as_view(), name="sso-callback"),
    path("accesso/codice/", twofactor_views.TwoFactorVerifyView.as_view(), name="two-factor-verify"),
    path("accesso/attivazione-codice/", twofactor_views.TwoFactorEnrolView.as_view(), name="two-factor-enrol"),
    path("accesso/verifica-in-due-passaggi/", twofactor_views.TwoFactorAccountView.as_view(), name="two-factor"),
    path("accesso/passkey/", include("ponte.core.passkeys")),  # django-otp-webauthn's endpoints
    path("accesso/passkey/nome/", twofactor_views.PasskeyNameView.as_view(), name="two-factor-passkey-name"),
    path(
        "accesso/passkey/<int:pk>/rimuovi/",
        twofactor_views.PasskeyRemoveView.as_view(),
        name="two-factor-passkey-remove",
    ),
    path("accesso/password/<uidb64>/<token>/", core_users.PasswordSetView.as_view(), name="password-set"),
    path("accesso/password-dimenticata/", core_users.PasswordResetRequestView.as_view(), name="password-reset"),
    path(
        "accesso/password-dimenticata/inviata/", core_users.PasswordResetSentView.as_view(), name="password-reset-sent"
    ),
    path(
        "accesso/password-nuova/<uidb64>/<token>/", core_users.PasswordResetSetView.as_view(), name="password-reset-set"
    ),
    path("sitemap.xml", portal_views.sitemap, name="sitemap"),
    path("sitemap-<str:section>.xml", portal_views.sitemap_section, name="sitemap-section"),
    path("api/", include("ponte.intelligence.api")),  # SDG suggestions (before the API's catch-all)
    path("api/", include("ponte.api.urls")),
    # Stored files only through the view that checks who may see them (never a plain media route).
    path(f"{settings.MEDIA_URL.strip('/')}/<path:name>", core_files.serve, name="file"),
    path("", core_views.home, name="home"),
    # The public portal owns /<city>/; the back office lives under /<city>/gestione/.
    path("<slug:city>/identita/", include("ponte.citizens.urls")),
    path("<slug:city>/", include("ponte.portal.urls")),
    path("<slug:city>/segui/", include("ponte.portal.following")),
    path("<slug:city>/eventi/", include("ponte.participation.urls")),
    path("<slug:city>/gestione/", include("ponte.core.urls")),
    path("<slug:city>/gestione/", include("ponte.plan.urls")),
    path("<slug:city>/gestione/", include("ponte.funding.urls")),
    path("<slug:city>/gestione/diplomazia/", include("ponte.diplomacy.urls")),
    path("<slug:city>/gestione/organismi/", include("ponte.governance.urls")),
    path("<slug:city>/gestione/", include("ponte.cooperation.urls")),
    path("<slug:city>/gestione/notizie/", include("ponte.portal.newsdesk")),
    path("<slug:city>/gestione/valutazioni-pagine/", include("ponte.portal.ratings")),
    path("<slug:city>/gestione/seguiti/", include("ponte.portal.followers")),
    path("<slug:city>/gestione/", include("ponte.reports.urls")),
    path("<slug:city>/gestione/", include("ponte.collaboration.urls")),
    path("<slug:city>/gestione/", include("ponte.intelligence.urls")),
]
handler403 = "ponte.core.errors.permission_denied"
handler404 = "ponte.core.errors.page_not_found"
