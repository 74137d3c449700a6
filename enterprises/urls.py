from django.urls import path

from enterprises import views

app_name = "enterprises"

urlpatterns = [
    path("targets/", views.targets, name="targets"),
    path("targets/import/", views.target_import, name="target-import"),
    path("targets/template.xlsx", views.target_template, name="target-template"),
]
