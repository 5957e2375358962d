from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import feedback, feeds, networks, pnrr, views

app_name = "portal"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("piano/", views.PlanView.as_view(), name="plan"),
    path("piano/aree/<str:code>/", views.MacroAreaView.as_view(), name="macro-area"),
    path("piano/azioni/<str:code>/", views.ActionView.as_view(), name="action"),
    path("piano/allineamento/<slug:axis>/", views.AxisView.as_view(), name="axis"),
    path("piano/allineamento/<slug:axis>/<str:code>/", views.AxisItemView.as_view(), name="axis-item"),
    path("progetti/", views.ProjectListView.as_view(), name="project-list"),
    path("progetti/<int:pk>/", views.ProjectView.as_view(), name="project"),
    path("progetti/pnrr/", pnrr.PnrrView.as_view(), name="pnrr"),
    path("progetti/pnrr/<slug:mission>/", pnrr.PnrrMissionView.as_view(), name="pnrr-mission"),
    path("progetti/pnrr/<slug:mission>/misure/<str:measure>/", pnrr.PnrrMeasureView.as_view(), name="pnrr-measure"),
    path("relazioni-internazionali/", views.RelationMapView.as_view(), name="relations"),
    path("relazioni-internazionali/<int:pk>/", views.RelationView.as_view(), name="relation"),
    path("relazioni-internazionali/reti/", networks.NetworkListView.as_view(), name="network-list"),
    path("relazioni-internazionali/reti/<int:pk>/", networks.NetworkView.as_view(), name="network"),
    path("relazioni-internazionali/candidature/", networks.CandidacyListView.as_view(), name="candidacy-list"),
    path("relazioni-internazionali/candidature/<int:pk>/", networks.CandidacyView.as_view(), name="candidacy"),
    path("organismi/", views.BodyListView.as_view(), name="body-list"),
    path("organismi/<int:pk>/", views.BodyView.as_view(), name="body"),
    path("notizie/", views.NewsListView.as_view(), name="news-list"),
    path("notizie/rss/", feeds.NewsRss(), name="news-rss"),
    path("notizie/atom/", feeds.NewsAtom(), name="news-atom"),
    path("notizie/<slug:slug>/", views.NewsView.as_view(), name="news-detail"),
    path("cerca/", views.SearchView.as_view(), name="search"),
    path("dati/", views.OpenDataView.as_view(), name="open-data"),
    path("dati/catalogo.ttl", views.CatalogueView.as_view(format="turtle"), name="catalogue-ttl"),
    path("dati/catalogo.jsonld", views.CatalogueView.as_view(format="json-ld"), name="catalogue-jsonld"),
    path("dati/<slug:dataset>.csv", views.DatasetDownloadView.as_view(format="csv"), name="dataset-csv"),
    path("dati/<slug:dataset>.json", views.DatasetDownloadView.as_view(format="json"), name="dataset-json"),
    path("dati/<slug:dataset>/schema.json", views.DatasetSchemaView.as_view(), name="dataset-schema"),
    path("valuta-pagina/", feedback.RatePageView.as_view(), name="rate-page"),
    path("segnala-disservizio/", feedback.DisserviceView.as_view(), name="disservice"),
    path("segnala-disservizio/grazie/", feedback.DisserviceSentView.as_view(), name="disservice-sent"),
    path(
        "accessibilita/",
        views.StaticPageView.as_view(template_name="portal/accessibility.html", title=_("Accessibility statement")),
        name="accessibility",
    ),
    path(
        "privacy/",
        views.StaticPageView.as_view(template_name="portal/privacy.html", title=_("Privacy notice")),
        name="privacy",
    ),
    path("note-legali/", views.LegalNotesView.as_view(), name="legal-notes"),
]
