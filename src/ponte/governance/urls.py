from django.urls import path

from . import views

app_name = "governance"

urlpatterns = [
    path("", views.BodyListView.as_view(), name="body-list"),
    path("<int:pk>/", views.BodyDetailView.as_view(), name="body-detail"),
    path("<int:pk>/riunioni.ics", views.BodyCalendarView.as_view(), name="body-calendar"),
    path("<int:pk>/discussione/", views.DiscussionView.as_view(), name="discussion"),
    path("<int:pk>/posizioni/nuova/", views.PositionPaperAddView.as_view(), name="position-paper-add"),
    path("<int:pk>/documenti/", views.BodyDocumentView.as_view(), name="body-document"),
    path("<int:body>/riunioni/nuova/", views.MeetingFormView.as_view(), name="meeting-create"),
    path("riunioni/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting-detail"),
    path("riunioni/<int:pk>/modifica/", views.MeetingFormView.as_view(), name="meeting-edit"),
    path("riunioni/<int:pk>/decisioni/", views.DecisionAddView.as_view(), name="decision-add"),
    path("riunioni/<int:pk>/seguiti/", views.MeetingFollowUpAddView.as_view(), name="meeting-follow-up-add"),
]
