"""The shop's public gift certificate page: no login to check a balance."""

from django.urls import path

from clientela.web.rewards import public

urlpatterns = [path("g/<slug:ws>/", public.certificate_check, name="public_certificate")]
