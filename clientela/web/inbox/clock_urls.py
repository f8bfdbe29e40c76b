"""The waiting clock's pages under /w/<ws>/inbox/."""

from django.urls import path

from clientela.web.inbox import clock_views as v

urlpatterns = [
    path("inbox/waiting/", v.waiting, name="inbox_waiting"),
    path("inbox/waiting/rows/", v.waiting_rows, name="inbox_waiting_rows"),
    path("inbox/waiting/<int:pk>/take/", v.waiting_take, name="inbox_waiting_take"),
    path("inbox/response-times/", v.response_times, name="inbox_response_times"),
    path("inbox/clock/", v.clock_settings, name="inbox_clock_settings"),
    path("inbox/clock/targets/", v.clock_target_add, name="inbox_clock_target_add"),
    path(
        "inbox/clock/targets/<int:pk>/delete/",
        v.clock_target_remove,
        name="inbox_clock_target_delete",
    ),
]
