from django.urls import path

from portal.core import urlparams
from programs import views

app_name = "programs"

urlparams.register("module", "programs.ScenarioModule")

urlpatterns = [
    path("scenarios/", views.scenarios, name="scenarios"),
    path("scenarios/<int:module>/", views.scenario_detail, name="scenario-detail"),
    path("calendar/", views.calendar, name="calendar"),
    path("settings/", views.program_settings, name="settings"),
]
