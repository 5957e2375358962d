from django.urls import path

from . import choices, directory, review_views, risk_views, search_views, twofactor_views, users, views

app_name = "core"

urlpatterns = [
    path("", views.StaffHomeView.as_view(), name="staff-home"),
    path("cerca/", search_views.StaffSearchView.as_view(), name="staff-search"),
    path("organizzazioni/", views.OrganisationListView.as_view(), name="organisation-list"),
    path("organizzazioni/nuova/", directory.OrganisationFormView.as_view(), name="organisation-create"),
    path("organizzazioni/<int:pk>/", directory.OrganisationDetailView.as_view(), name="organisation-detail"),
    path("organizzazioni/<int:pk>/modifica/", directory.OrganisationFormView.as_view(), name="organisation-edit"),
    path("organizzazioni/<int:pk>/unisci/", directory.MergeView.as_view(), name="organisation-merge"),
    path("persone/", directory.PersonListView.as_view(), name="person-list"),
    path("persone/nuova/", directory.PersonFormView.as_view(), name="person-create"),
    path("persone/<int:pk>/modifica/", directory.PersonFormView.as_view(), name="person-edit"),
    path("persone/<int:pk>/unisci/", directory.PersonMergeView.as_view(), name="person-merge"),
    path("utenti/", users.UserListView.as_view(), name="user-list"),
    path("utenti/invita/", users.UserInviteView.as_view(), name="user-invite"),
    path("utenti/<int:pk>/ruolo/", users.UserRoleView.as_view(), name="user-role"),
    path("utenti/<int:pk>/revoca/", users.UserRevokeView.as_view(), name="user-revoke"),
    path("utenti/<int:pk>/invito/", users.UserReinviteView.as_view(), name="user-reinvite"),
    path(
        "utenti/<int:pk>/secondo-fattore/",
        twofactor_views.UserTwoFactorResetView.as_view(),
        name="user-two-factor-reset",
    ),
    path("importazioni/", views.ImportListView.as_view(), name="import-list"),
    path("seguiti/<int:task>/fatto/", views.FollowUpDoneView.as_view(), name="follow-up-done"),
    path("importazioni/<int:pk>/", views.ImportDetailView.as_view(), name="import-detail"),
    path("importazioni/<int:pk>/stato/", views.ImportStatusView.as_view(), name="import-status"),
    path("importazioni/<int:pk>/importa/", views.ImportPreviewedView.as_view(), name="import-previewed"),
    path("rischi/", risk_views.RiskListView.as_view(), name="risk-list"),
    path("rischi/nuovo/", risk_views.RiskNewView.as_view(), name="risk-new"),
    path("rischi/nuovo/<slug:kind>/<int:pk>/", risk_views.RiskAddView.as_view(), name="risk-add"),
    path("rischi/<int:pk>/", risk_views.RiskDetailView.as_view(), name="risk-detail"),
    path("rischi/<int:pk>/modifica/", risk_views.RiskEditView.as_view(), name="risk-edit"),
    path("rischi/<int:pk>/chiudi/", risk_views.RiskStatusView.as_view(close=True), name="risk-close"),
    path("rischi/<int:pk>/riapri/", risk_views.RiskStatusView.as_view(close=False), name="risk-reopen"),
    path("rischi/<int:pk>/mitigazione/", risk_views.MitigationAddView.as_view(), name="risk-mitigation-add"),
    path("scelte/<str:model>/", choices.ChoicesView.as_view(), name="choices-json"),
    path("da-revisionare/", review_views.ReviewQueueView.as_view(), name="review-queue"),
    path("in-revisione/", review_views.MyReviewsView.as_view(), name="review-mine"),
    path("da-revisionare/<slug:kind>/<int:pk>/", review_views.ReviewDetailView.as_view(), name="review-detail"),
    path("impostazioni/revisione/", review_views.ReviewSettingsView.as_view(), name="review-settings"),
]
