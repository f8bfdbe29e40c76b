from django.urls import path

from clientela.web.views import core

urlpatterns = [
    path("", core.home, name="home"),
]
