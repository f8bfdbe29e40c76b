from django.urls import path

from clientela.web.inbox import public

urlpatterns = [
    path("contact/<str:token>/", public.contact, name="public_contact"),
]
