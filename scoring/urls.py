from django.urls import path

from portal.core import urlparams
from scoring import views

app_name = "scoring"

urlparams.register("template", "scoring.SheetTemplate")

urlpatterns = [
    path("sheets/", views.sheet_list, name="sheets"),
    path("sheets/<int:template>/", views.sheet_detail, name="sheet"),
]
