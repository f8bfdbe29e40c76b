from django.urls import include, path

from clientela.api.urls import urlpatterns as api_urlpatterns

urlpatterns = [
    path("api/v1/", include(api_urlpatterns)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("clientela.web.urls")),
]

handler400 = "clientela.web.errors.bad_request"
handler403 = "clientela.web.errors.permission_denied"
handler404 = "clientela.web.errors.page_not_found"
handler500 = "clientela.web.errors.server_error"
