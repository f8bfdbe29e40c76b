from django.urls import path

from clientela.web.forwarding import views

urlpatterns = [
    path("forwarding/", views.aliases_page, name="aliases"),
    path("forwarding/grant/", views.alias_grant_page, name="alias_grant"),
    path("forwarding/<int:pk>/revoke/", views.alias_revoke_page, name="alias_revoke"),
    path("forwarding/settings/", views.forwarding_settings_page, name="forwarding_settings"),
]
