"""The care app's page for clients, without login (a signed token in the URL)."""

from django.urls import path

from clientela.web.care import public

urlpatterns = [
    path("rate/<str:token>/<int:score>/", public.rate, name="public_rate"),
]
