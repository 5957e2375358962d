from django.urls import path

from . import views

app_name = "cooperation"

urlpatterns = [
    path("cooperazione/", views.InitiativeListView.as_view(), name="initiative-list"),
    path("cooperazione/nuova/", views.InitiativeFormView.as_view(), name="initiative-create"),
    path("cooperazione/<int:pk>/modifica/", views.InitiativeFormView.as_view(), name="initiative-edit"),
    path("buone-pratiche/", views.GoodPracticeListView.as_view(), name="practice-list"),
    path("buone-pratiche/nuova/", views.GoodPracticeFormView.as_view(), name="practice-create"),
    path("buone-pratiche/<int:pk>/modifica/", views.GoodPracticeFormView.as_view(), name="practice-edit"),
]
