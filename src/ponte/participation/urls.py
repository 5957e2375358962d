from django.urls import path

from . import views

app_name = "participation"

urlpatterns = [
    path("", views.EventListView.as_view(), name="event-list"),
    path("gestione/", views.EventAdminListView.as_view(), name="event-admin-list"),
    path("calendario.ics", views.CalendarView.as_view(), name="calendar"),
    path("formazione/", views.TrainingView.as_view(), name="training"),
    path("formazione/<int:pk>/materiali/", views.TrainingMaterialView.as_view(), name="training-material"),
    # The staff's event pages live under the staff list, so the back office's menu and breadcrumb
    # place them under "Eventi"; the older addresses keep working for saved links.
    path("gestione/nuovo/", views.EventFormView.as_view(), name="event-create"),
    path("gestione/<int:pk>/modifica/", views.EventFormView.as_view(), name="event-edit"),
    path("gestione/<int:pk>/iscritti/", views.RegistrantsView.as_view(), name="registrants"),
    path("nuovo/", views.EventFormView.as_view()),
    path("<int:pk>/modifica/", views.EventFormView.as_view()),
    path("<int:pk>/iscritti/", views.RegistrantsView.as_view()),
    path("<int:pk>/", views.EventDetailView.as_view(), name="event-detail"),
    path("<int:pk>.ics", views.EventCalendarView.as_view(), name="event-calendar"),
    path("disdetta/<uuid:token>/", views.CancelView.as_view(), name="cancel"),
    path("conferma-iscrizione/<uuid:token>/", views.ConfirmRegistrationView.as_view(), name="confirm-registration"),
    path("europe-direct/", views.AskView.as_view(), name="ask"),
    path("europe-direct/grazie/", views.AskedView.as_view(), name="asked"),
    path("europe-direct/faq/", views.FaqView.as_view(), name="faq"),
    path("europe-direct/sportello/", views.DeskView.as_view(), name="desk"),
    path("europe-direct/sportello/<int:pk>/", views.QuestionView.as_view(), name="question"),
    path("newsletter/", views.SubscribeView.as_view(), name="subscribe"),
    path("newsletter/conferma/<uuid:token>/", views.ConfirmView.as_view(), name="confirm"),
    path("newsletter/disiscrizione/<uuid:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
    path("newsletter/preferenze/<uuid:token>/", views.PreferencesView.as_view(), name="preferences"),
    path("newsletter/campagne/", views.CampaignListView.as_view(), name="campaign-list"),
    path("newsletter/campagne/nuova/", views.CampaignFormView.as_view(), name="campaign-create"),
    path("newsletter/campagne/<int:pk>/modifica/", views.CampaignFormView.as_view(), name="campaign-edit"),
    path("newsletter/campagne/<int:pk>/", views.CampaignDetailView.as_view(), name="campaign-detail"),
    path("newsletter/campagne/<int:pk>/invio/", views.CampaignSendView.as_view(), name="campaign-send"),
    path("newsletter/campagne/<int:pk>/anteprima/", views.CampaignPreviewView.as_view(), name="campaign-preview"),
]
