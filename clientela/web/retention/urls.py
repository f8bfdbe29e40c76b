from django.urls import path

from clientela.web.views import retention

urlpatterns = [
    path("retention/", retention.retention_dashboard, name="retention"),
    path("retention/refresh/", retention.retention_refresh_start, name="retention_refresh"),
    path("retention/runs/<int:pk>/", retention.retention_run, name="retention_run"),
    path("retention/settings/", retention.retention_settings, name="retention_settings"),
    path("retention/validation/", retention.retention_validation, name="retention_validation"),
    path(
        "retention/validation/start/",
        retention.retention_validation_start,
        name="retention_validation_start",
    ),
    path(
        "retention/validation/<int:pk>/",
        retention.retention_validation_run,
        name="retention_validation_run",
    ),
]
