"""Web routes. Each domain keeps its own module in `clientela.web.routes`.

Workspace pages live under `/w/<slug:ws>/`; their views take `ws` and are wrapped in
`clientela.web.access.workspace_view`.
"""

from django.urls import include, path

from clientela.web.views import errors

app_name = "web"

workspace_patterns = [
    path("", include("clientela.web.routes.dashboard")),
    path("", include("clientela.web.routes.customers")),
    path("", include("clientela.web.routes.orders")),
    path("", include("clientela.web.routes.imports")),
    path("", include("clientela.web.outreach.urls")),
    path("", include("clientela.web.mail.urls")),
    path("", include("clientela.web.routes.retention")),
    path("", include("clientela.web.routes.accounts")),
]

urlpatterns = [
    path("", include("clientela.web.routes.core")),
    path("w/<slug:ws>/", include(workspace_patterns)),
    path("", include("clientela.web.outreach.public_urls")),
    path("health/", errors.health, name="health"),
]
