from django.urls import path

from . import views

app_name = "participation"

urlpatterns = [
    path("", views.EventListView.as_view(), name="event-list"),
    path("calendario.ics", views.CalendarView.as_view(), name="calendar"),
    path("nuovo/", views.EventFormView.as_view(), name="event-create"),
    path("<int:pk>/", views.EventDetailView.as_view(), name="event-detail"),
    path("<int:pk>.ics", views.EventCalendarView.as_view(), name="event-calendar"),
    path("<int:pk>/modifica/", views.EventFormView.as_view(), name="event-edit"),
    path("<int:pk>/iscritti/", views.RegistrantsView.as_view(), name="registrants"),
    path("disdetta/<uuid:token>/", views.CancelView.as_view(), name="cancel"),
]
