from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.StaffHomeView.as_view(), name="staff-home"),
    path("organizzazioni/", views.OrganisationListView.as_view(), name="organisation-list"),
    path("importazioni/", views.ImportListView.as_view(), name="import-list"),
    path("seguiti/<int:task>/fatto/", views.FollowUpDoneView.as_view(), name="follow-up-done"),
    path("importazioni/<int:pk>/", views.ImportDetailView.as_view(), name="import-detail"),
]
