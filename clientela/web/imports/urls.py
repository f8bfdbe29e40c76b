from django.urls import path

from clientela.web.views import imports

urlpatterns = [
    path("imports/", imports.import_index, name="imports"),
    path("imports/<int:pk>/", imports.import_job, name="import_job"),
]
