from django.urls import path

from clientela.web.imports import views

urlpatterns = [
    path("imports/", views.import_index, name="imports"),
    path("imports/<int:pk>/", views.import_job, name="import_job"),
    path("imports/<int:pk>/retry/", views.import_job_retry, name="import_job_retry"),
    path("imports/template.csv", views.import_template, name="import_template"),
    # The downloads of the customer and order lists, with the list's filters.
    path("customers/export.csv", views.customer_export, name="customer_export"),
    path("orders/export.csv", views.order_export, name="order_export"),
    # The same for Excel with Romanian settings: semicolons, decimal commas, a BOM.
    path(
        "customers/export-excel.csv",
        views.customer_export,
        {"dialect": "excel_ro"},
        name="customer_export_excel",
    ),
    path(
        "orders/export-excel.csv",
        views.order_export,
        {"dialect": "excel_ro"},
        name="order_export_excel",
    ),
]
