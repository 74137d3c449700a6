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
    path("horse-race/<int:snapshot>/publish/", views.publish, name="publish"),
    # The bulletin (通报) PDF, made by a Celery task
    path("horse-race/<int:snapshot>/bulletin/", views.bulletin_request, name="bulletin-request"),
    path("horse-race/<int:snapshot>/bulletin/<int:bulletin_job>/", views.bulletin_job, name="bulletin-job"),
    path("horse-race/<int:snapshot>/bulletins/<int:bulletin>/", views.bulletin_download, name="bulletin-download"),
]
