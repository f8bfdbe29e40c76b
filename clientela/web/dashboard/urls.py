from django.urls import path

from clientela.web.dashboard import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
