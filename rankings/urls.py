from django.urls import path

from portal.core import urlparams
from rankings import views

app_name = "rankings"

urlparams.register("snapshot", "rankings.RankingSnapshot")
urlparams.register("bulletin", "rankings.BulletinFile", program_path="snapshot__program")
urlparams.register("bulletin_job", "rankings.BulletinJob", program_path="snapshot__program")

urlpatterns = [
    # The providers' horse race (赛马): the ranking of each period, and a provider's own position in it
    path("horse-race/", views.horse_race, name="horse-race"),
    # The region rankings the program keeps (townships monthly, districts quarterly) and the KPI board, for staff
    path("townships/", views.townships, name="townships"),
    path("districts/", views.districts, name="districts"),
    path("kpi/", views.kpi, name="kpi"),
    # Publishing a period of any ranking kind
    path("rankings/<int:snapshot>/publish/", views.publish, name="publish"),
    # The bulletin (通报) PDF of a period of any ranking kind, made by a Celery task
    path("rankings/<int:snapshot>/bulletin/", views.bulletin_request, name="bulletin-request"),
    path("rankings/<int:snapshot>/bulletin/<int:bulletin_job>/", views.bulletin_job, name="bulletin-job"),
    path("rankings/<int:snapshot>/bulletin/<int:bulletin_job>/retry/", views.bulletin_retry, name="bulletin-retry"),
    path("rankings/<int:snapshot>/bulletins/<int:bulletin>/", views.bulletin_download, name="bulletin-download"),
]
