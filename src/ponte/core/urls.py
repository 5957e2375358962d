from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("organizzazioni/", views.OrganisationListView.as_view(), name="organisation-list"),
]
