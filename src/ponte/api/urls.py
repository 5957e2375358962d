from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from . import problems, views

CITY = "v1/<slug:city>/"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI's settings as a script file of its own (the split view), not inline: the site's
    # Content-Security-Policy holds. ReDoc styles itself with inline <style> elements and searches in
    # a blob: worker; it shows only the schema, so its page alone allows both (issue 14).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path(
        "redoc/",
        csp_update({"style-src": [UNSAFE_INLINE], "worker-src": ["blob:"]})(
            SpectacularRedocView.as_view(url_name="api-schema")
        ),
        name="api-redoc",
    ),
    path("v1/cities/", views.CityListView.as_view(), name="api-cities"),
    path(CITY + "plan/", views.PlanView.as_view(), name="api-plan"),
    path(CITY + "actions/", views.ActionList.as_view(), name="api-actions"),
    path(CITY + "actions/<str:code>/", views.ActionDetail.as_view(), name="api-action"),
    path(CITY + "actions/<str:code>/updates/", views.UpdateCreate.as_view(), name="api-action-updates"),
    path(CITY + "indicators/", views.IndicatorList.as_view(), name="api-indicators"),
    path(CITY + "indicators/<str:code>/", views.IndicatorDetail.as_view(), name="api-indicator"),
    path(CITY + "indicators/<str:code>/values/", views.ValueCreate.as_view(), name="api-indicator-values"),
    path(CITY + "projects/", views.ProjectList.as_view(), name="api-projects"),
    path(CITY + "projects/<int:pk>/", views.ProjectDetail.as_view(), name="api-project"),
    path(CITY + "relations/", views.RelationList.as_view(), name="api-relations"),
    path(CITY + "relations/<int:pk>/", views.RelationDetail.as_view(), name="api-relation"),
    path(CITY + "events/", views.EventList.as_view(), name="api-events"),
    path(CITY + "events/<int:pk>/", views.EventDetail.as_view(), name="api-event"),
    path(CITY + "news/", views.NewsList.as_view(), name="api-news"),
    path(CITY + "news/<slug:slug>/", views.NewsDetail.as_view(), name="api-news-item"),
    re_path(r"^[\s\S]*$", problems.not_found),  # any rest, a newline included (`.` stops at one)
]
