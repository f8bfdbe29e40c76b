"""Web routes. Each domain keeps its own module in `clientela.web.routes`."""

from django.urls import include, path

from clientela.web.views import errors

app_name = "web"

urlpatterns = [
    path("", include("clientela.web.routes.core")),
    path("health/", errors.health, name="health"),
]
