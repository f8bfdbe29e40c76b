from django.urls import path

from clientela.web.views import accounts

urlpatterns = [
    path("tokens/", accounts.token_index, name="tokens"),
    path("tokens/<int:pk>/revoke/", accounts.token_revoke_view, name="token_revoke"),
    path("team/", accounts.team_index, name="team"),
    path("team/<int:pk>/", accounts.team_member, name="team_member"),
]
