from django.urls import path

from . import views

app_name = "diplomacy"

urlpatterns = [
    path("relazioni/", views.RelationListView.as_view(), name="relation-list"),
    path("relazioni/nuova/", views.RelationFormView.as_view(), name="relation-create"),
    path("relazioni/<int:pk>/", views.RelationDetailView.as_view(), name="relation-detail"),
    path("relazioni/<int:pk>/modifica/", views.RelationFormView.as_view(), name="relation-edit"),
    path("relazioni/<int:pk>/stato/", views.RelationStatusView.as_view(), name="relation-status"),
    path("relazioni/<int:pk>/documenti/", views.RelationDocumentView.as_view(), name="relation-document"),
    path("reti/", views.MembershipListView.as_view(), name="membership-list"),
    path("reti/nuova/", views.MembershipFormView.as_view(), name="membership-create"),
    path("reti/<int:pk>/modifica/", views.MembershipFormView.as_view(), name="membership-edit"),
    path("reti/<int:pk>/rinnovo/", views.MembershipRenewView.as_view(), name="membership-renew"),
    path("missioni/", views.MissionListView.as_view(), name="mission-list"),
    path("missioni/nuova/", views.MissionFormView.as_view(), name="mission-create"),
    path("missioni/<int:pk>/", views.MissionDetailView.as_view(), name="mission-detail"),
    path("missioni/<int:pk>/modifica/", views.MissionFormView.as_view(), name="mission-edit"),
    path("missioni/<int:pk>/seguiti/", views.FollowUpAddView.as_view(), name="follow-up-add"),
    path("candidature/", views.CandidacyListView.as_view(), name="candidacy-list"),
    path("rappresentanze/", views.RepresentationListView.as_view(), name="representation-list"),
    path("candidature/nuova/", views.CandidacyFormView.as_view(), name="candidacy-create"),
    path("candidature/<int:pk>/modifica/", views.CandidacyFormView.as_view(), name="candidacy-edit"),
]
