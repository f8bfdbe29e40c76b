from django.urls import path

from clientela.web.inbox import links, views

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/settings/", views.inbox_settings, name="inbox_settings"),
    path("inbox/<int:pk>/", views.conversation, name="conversation"),
    # POST only: the reply box (send or note) and the status/assignee controls.
    path("inbox/<int:pk>/answer/", views.conversation_answer, name="conversation_answer"),
    path("inbox/<int:pk>/update/", views.conversation_update, name="conversation_update"),
    # GET: the customer search (htmx fragment or page); POST: link or unlink.
    path("inbox/<int:pk>/customer/", links.conversation_customer, name="conversation_customer"),
    path("inbox/files/<int:pk>/", views.attachment, name="inbox_attachment"),
]
