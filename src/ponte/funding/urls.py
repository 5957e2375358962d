from django.urls import path

from . import views

app_name = "funding"

urlpatterns = [
    path("fondi/", views.PortfolioView.as_view(), name="portfolio"),
    path("fondi/progetti/", views.ProjectListView.as_view(), name="project-list"),
    path("fondi/progetti/nuovo/", views.ProjectFormView.as_view(), name="project-create"),
    path("fondi/progetti/<int:pk>/", views.ProjectDetailView.as_view(), name="project-detail"),
    path("fondi/progetti/<int:pk>/modifica/", views.ProjectFormView.as_view(), name="project-edit"),
    path("fondi/progetti/<int:pk>/stato/", views.ProjectTransitionView.as_view(), name="project-transition"),
    path("fondi/progetti/<int:pk>/partner/", views.ParticipationAddView.as_view(), name="participation-add"),
    path("fondi/progetti/<int:pk>/scadenze/", views.ProjectMilestoneAddView.as_view(), name="project-milestone-add"),
    path("fondi/progetti/<int:pk>/documenti/", views.ProjectDocumentAddView.as_view(), name="project-document-add"),
    path("fondi/bandi/", views.CallListView.as_view(), name="call-list"),
    path("fondi/partner/", views.PartnerSearchView.as_view(), name="partner-search"),
    path("fondi/bandi/nuovo/", views.CallFormView.as_view(), name="call-create"),
    path("fondi/bandi/scadenze.ics", views.CallCalendarView.as_view(), name="call-calendar"),
    path("fondi/bandi/<int:pk>/", views.CallDetailView.as_view(), name="call-detail"),
    path("fondi/bandi/<int:pk>/modifica/", views.CallFormView.as_view(), name="call-edit"),
    path("fondi/bandi/<int:pk>/proposta/", views.StartProposalView.as_view(), name="call-start-proposal"),
]
