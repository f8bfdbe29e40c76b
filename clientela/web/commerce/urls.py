from django.urls import path

from clientela.web.views import exports, orders

urlpatterns = [
    path("orders/", orders.order_list, name="orders"),
    path("orders/export.csv", exports.order_export, name="order_export"),
    path("products/", orders.product_index, name="products"),
    path("products/new/", orders.product_new, name="product_new"),
    path("products/<int:pk>/edit/", orders.product_edit, name="product_edit"),
]
