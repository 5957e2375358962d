from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("cruscotto/", views.DashboardView.as_view(), name="dashboard"),
    path("scadenze/", views.MyDeadlinesView.as_view(), name="my-deadlines"),
    path("scadenze/calendario/", views.CalendarLinkRenewView.as_view(), name="calendar-link"),
    path(
        "scadenze/calendario/<int:pk>/<str:secret>.ics",
        views.DeadlineCalendarView.as_view(),
        name="deadline-calendar",
    ),
    path("relazioni/", views.ReportListView.as_view(), name="list"),
    path("relazioni/nuova/", views.ReportCreateView.as_view(), name="create"),
    path("relazioni/<int:pk>/", views.ReportDetailView.as_view(), name="detail"),
    path("relazioni/<int:pk>/<str:fmt>/", views.ReportFileView.as_view(), name="file"),
]
