from django.urls import path

from . import views

app_name = "intelligence"

urlpatterns = [
    path("suggerimenti-sdg/", views.ReviewListView.as_view(), name="review"),
    path("suggerimenti-sdg/in-blocco/", views.BulkView.as_view(), name="bulk"),
    path("suggerimenti-sdg/in-blocco/<int:pk>/", views.BulkJobView.as_view(), name="bulk-job"),
    path("suggerimenti-sdg/<int:pk>/accetta/", views.DecideView.as_view(decision="accept"), name="accept"),
    path("suggerimenti-sdg/<int:pk>/rifiuta/", views.DecideView.as_view(decision="reject"), name="reject"),
    path("suggerimenti-sdg/<slug:kind>/<int:pk>/ricalcola/", views.RecomputeView.as_view(), name="recompute"),
]
