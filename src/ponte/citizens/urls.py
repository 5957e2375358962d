from django.urls import path

from . import views

app_name = "citizens"

urlpatterns = [
    # The relying party's entity identifier is this prefix (without the slash): its configuration
    # is at <entity id>/.well-known/openid-federation, as the federation requires.
    path("", views.MineView.as_view(), name="entity"),
    path(".well-known/openid-federation", views.entity_configuration, name="entity-configuration"),
    path("accedi/<str:profile>/", views.ChooseView.as_view(), name="choose"),
    path("accedi/<str:profile>/avvia/", views.StartView.as_view(), name="start"),
    path("ritorno/", views.CallbackView.as_view(), name="callback"),
    path("le-mie-pratiche/", views.MineView.as_view(), name="mine"),
    path("esci/", views.SignOutView.as_view(), name="sign-out"),
]
