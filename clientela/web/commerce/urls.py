from django.urls import path

from clientela.web.commerce import views

urlpatterns = [
    path("orders/", views.order_list, name="orders"),
    path("products/", views.product_index, name="products"),
    path("products/new/", views.product_new, name="product_new"),
    path("products/<int:pk>/edit/", views.product_edit, name="product_edit"),
]
