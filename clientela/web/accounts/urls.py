"""The workspace's pages of the accounts app; signing in and out are the site's (web/urls.py)."""

from django.urls import path

from clientela.web.accounts import views

urlpatterns = [
    path("tokens/", views.token_index, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke_view, name="token_revoke"),
    path("team/", views.team_index, name="team"),
    path("team/<int:pk>/", views.team_member, name="team_member"),
    path("team/invitations/<int:pk>/", views.team_invitation, name="team_invitation"),
    path("shop/", views.workspace_details, name="workspace_details"),
    path("checklist/dismiss/", views.checklist_dismiss_view, name="checklist_dismiss"),
]
