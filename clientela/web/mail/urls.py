"""Delivery pages under /w/<ws>/outreach/: the Delivery page and the demo's sent mail."""

from django.urls import path

from clientela.web.mail import branding, sender
from clientela.web.mail import views as v

urlpatterns = [
    path("outreach/delivery/", v.delivery, name="outreach_delivery"),
    path("outreach/delivery/sender/", sender.sender_edit, name="outreach_sender"),
    path("outreach/delivery/look/", branding.branding_edit, name="outreach_branding"),
    path(
        "outreach/delivery/look/preview/",
        branding.branding_preview,
        name="outreach_branding_preview",
    ),
    path("outreach/delivery/pause/", v.delivery_pause, name="outreach_delivery_pause"),
    path("outreach/sent-mail/", v.mailsink, name="outreach_mailsink"),
    path("outreach/sent-mail/<int:pk>/", v.mailsink_message, name="outreach_mailsink_message"),
]
