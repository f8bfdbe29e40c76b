"""Forwarding's page for the shop's customers, without login (a signed token in the URL)."""

from django.urls import path

from clientela.web.forwarding import views

urlpatterns = [
    path("f/<str:token>/", views.opt_out, name="forwarding_opt_out"),
    # The grant notice's link: works once (see clientela.forwarding.notice).
    path("f/notice/<str:token>/", views.notice_opt_out, name="forwarding_notice_opt_out"),
]
