from django.urls import path

from clientela.api.v1 import api

urlpatterns = [path("", api.urls)]
