from django.urls import path

from clientela.web.commerce import orders, views

urlpatterns = [
    path("orders/", views.order_list, name="orders"),
    path("orders/new/", orders.order_new, name="order_new"),
    path("orders/<int:pk>/", orders.order_detail, name="order"),
    # POST only: the status buttons of the order page, which they lead back to.
    path("orders/<int:pk>/status/", orders.order_status, name="order_status"),
    path("products/", views.product_index, name="products"),
    path("products/new/", views.product_new, name="product_new"),
    path("products/<int:pk>/", orders.product_detail, name="product"),
    path("products/<int:pk>/edit/", views.product_edit, name="product_edit"),
]
