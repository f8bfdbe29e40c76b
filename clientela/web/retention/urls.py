from django.urls import path

from clientela.web.retention import views

urlpatterns = [
    path("retention/", views.retention_dashboard, name="retention"),
    path("retention/refresh/", views.retention_refresh_start, name="retention_refresh"),
    path("retention/runs/<int:pk>/", views.retention_run, name="retention_run"),
    path("retention/settings/", views.retention_settings, name="retention_settings"),
    path("retention/validation/", views.retention_validation, name="retention_validation"),
    path(
        "retention/validation/start/",
        views.retention_validation_start,
        name="retention_validation_start",
    ),
    path(
        "retention/validation/<int:pk>/",
        views.retention_validation_run,
        name="retention_validation_run",
    ),
]
