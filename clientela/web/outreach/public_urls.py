"""Outreach's pages for the shop's customers, without login (tokens in the URL)."""

from django.urls import path

from clientela.web.outreach.views import images, public

urlpatterns = [
    # The address the delivery core's `unsubscribe_url` points at (List-Unsubscribe).
    path("u/<str:token>/", public.unsubscribe, name="public_unsubscribe"),
    path("s/confirm/<str:token>/", public.confirm, name="public_confirm"),
    path("s/<str:token>/", public.subscribe, name="public_subscribe"),
    path("p/<str:token>/", public.preferences, name="public_preferences"),
    # A brochure's image, at the address `outreach.content.image_url` writes into the mail.
    path("i/<str:name>", images.content_image, name="public_content_image"),
]
