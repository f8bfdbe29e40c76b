from django.urls import path

from clientela.web.views import dashboard

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
]
