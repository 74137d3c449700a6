from django.urls import path

from dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="index"),
    path("industries/", views.industries, name="industries"),
    path("config/<slug:kind>/new/", views.config_edit, name="config-new"),
    path("config/<slug:kind>/<int:pk>/edit/", views.config_edit, name="config-edit"),
    path("config/<slug:kind>/<int:pk>/toggle/", views.config_toggle, name="config-toggle"),
    path("history/<slug:model>/<int:pk>/", views.history, name="history"),
]
