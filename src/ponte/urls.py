from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from ponte.core import views as core_views
from ponte.core.forms import StyledAuthenticationForm

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accesso/", auth_views.LoginView.as_view(authentication_form=StyledAuthenticationForm), name="login"),
    path("uscita/", auth_views.LogoutView.as_view(), name="logout"),
    path("", core_views.home, name="home"),
    path("<slug:city>/", include("ponte.core.urls")),
    path("<slug:city>/", include("ponte.plan.urls")),
    path("<slug:city>/", include("ponte.funding.urls")),
    path("<slug:city>/diplomazia/", include("ponte.diplomacy.urls")),
    path("<slug:city>/organismi/", include("ponte.governance.urls")),
    path("<slug:city>/eventi/", include("ponte.participation.urls")),
    path("<slug:city>/", include("ponte.cooperation.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
