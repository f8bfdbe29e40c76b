from django.urls import path

from clientela.web.privacy import views

urlpatterns = [
    path("customers/<int:pk>/data/", views.customer_data_download, name="customer_data"),
    path("customers/<int:pk>/erase/", views.customer_erase_page, name="customer_erase"),
    path("privacy/", views.privacy_settings_page, name="privacy_settings"),
]
