from django.urls import path

from clientela.web.views import auth

urlpatterns = [
    path("", auth.home, name="home"),
    path("login/", auth.login, name="login"),
    path("logout/", auth.logout, name="logout"),
    path("language/", auth.language, name="language"),
]
