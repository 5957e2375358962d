from django.urls import path

from . import update_views, views
from .schedule_views import MilestoneEditView, PlanThresholdsView, TimelineView

app_name = "plan"

urlpatterns = [
    path("piano/", views.OverviewView.as_view(), name="overview"),
    path("piano/cronoprogramma/", TimelineView.as_view(), name="timeline"),
    path("piano/soglie/", PlanThresholdsView.as_view(), name="thresholds"),
    path("azioni/", views.ActionListView.as_view(), name="action-list"),
    path("azioni/mie/", views.MyActionsView.as_view(), name="my-actions"),
    path("azioni/scadenze/", views.DueActionsView.as_view(), name="due"),
    path("traguardi/scaduti/", views.OverdueMilestonesView.as_view(), name="overdue-milestones"),
    path("azioni/<str:code>/", views.ActionDetailView.as_view(), name="action-detail"),
    path("azioni/<str:code>/modifica/", views.ActionEditView.as_view(), name="action-edit"),
    path("azioni/<str:code>/aggiornamenti/", update_views.UpdateStartView.as_view(), name="update-add"),
    path(
        "azioni/<str:code>/aggiornamenti/<slug:cadence>/<int:year>/<int:period>/",
        update_views.UpdatePeriodView.as_view(),
        name="update-edit",
    ),
    # The same form by the update's id (the review queue links an update this way).
    path("azioni/<str:code>/aggiornamenti/<int:pk>/", update_views.UpdatePeriodView.as_view(), name="update-edit"),
    path("azioni/<str:code>/traguardi/", views.MilestoneAddView.as_view(), name="milestone-add"),
    path("azioni/<str:code>/traguardi/<int:pk>/fatto/", views.MilestoneDoneView.as_view(), name="milestone-done"),
    path("azioni/<str:code>/traguardi/<int:pk>/modifica/", MilestoneEditView.as_view(), name="milestone-edit"),
    path("azioni/<str:code>/documenti/", views.DocumentAddView.as_view(), name="document-add"),
    path("aree/<int:pk>/modifica/", views.MacroAreaEditView.as_view(), name="macroarea-edit"),
    path("linee/<int:pk>/modifica/", views.LineEditView.as_view(), name="line-edit"),
    path("linee/<int:pk>/nuova-azione/", views.ActionCreateView.as_view(), name="action-create"),
    path("indicatori/", views.IndicatorListView.as_view(), name="indicator-list"),
    path("indicatori/nuovo/", views.IndicatorCreateView.as_view(), name="indicator-create"),
    path("indicatori/<int:pk>/", views.IndicatorDetailView.as_view(), name="indicator-detail"),
    path("indicatori/<int:pk>/obiettivi/", views.IndicatorTargetAddView.as_view(), name="indicator-target-add"),
    path("indicatori/<int:pk>/valori/", views.IndicatorValueAddView.as_view(), name="indicator-value-add"),
    path("allineamento/", views.AxisListView.as_view(), name="axis-list"),
    path("allineamento/<slug:axis>/", views.AxisDetailView.as_view(), name="axis-detail"),
    path("allineamento/<slug:axis>/<str:code>/", views.AxisItemView.as_view(), name="axis-item"),
    path("ciclo/", update_views.CycleSettingsView.as_view(), name="cycle"),
    path("ciclo/eccezioni/nuova/", update_views.CycleOverrideView.as_view(), name="cycle-override-add"),
    path("ciclo/eccezioni/<int:pk>/", update_views.CycleOverrideView.as_view(), name="cycle-override-edit"),
    path(
        "ciclo/eccezioni/<int:pk>/rimuovi/",
        update_views.CycleOverrideDeleteView.as_view(),
        name="cycle-override-delete",
    ),
    path("foglio/", views.WorkbookView.as_view(), name="workbook"),
    path("foglio/caricamenti/<int:pk>/", views.WorkbookUploadView.as_view(), name="workbook-upload"),
]
