from django.urls import path

from . import views

app_name = "collaboration"
urlpatterns = [
    path("notifiche/", views.NotificationListView.as_view(), name="notifications"),
    path("notifiche/<int:pk>/", views.NotificationOpenView.as_view(), name="open"),
    path("notifiche/<int:pk>/letta/", views.NotificationReadView.as_view(), name="read"),
    path("notifiche/tutte-lette/", views.NotificationReadAllView.as_view(), name="read-all"),
    path("notifiche/preferenze/", views.PreferenceView.as_view(), name="preferences"),
    path("commenti/<slug:kind>/<int:pk>/", views.CommentAddView.as_view(), name="comment-add"),
    path("commenti/<int:pk>/elimina/", views.CommentDeleteView.as_view(), name="comment-delete"),
    path("commenti/<slug:kind>/<int:pk>/persone/", views.MentionCandidatesView.as_view(), name="mention-candidates"),
]
