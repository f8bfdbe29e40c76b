from django.urls import path

from clientela.web.imports import views

urlpatterns = [
    path("imports/", views.import_index, name="imports"),
    path("imports/<int:pk>/", views.import_job, name="import_job"),
    # The downloads of the customer and order lists, with the list's filters.
    path("customers/export.csv", views.customer_export, name="customer_export"),
    path("orders/export.csv", views.order_export, name="order_export"),
]
