from django.urls import path

from clientela.web.views import customers, exports

urlpatterns = [
    path("customers/", customers.customer_list, name="customers"),
    path("customers/export.csv", exports.customer_export, name="customer_export"),
    path("customers/new/", customers.customer_new, name="customer_new"),
    path("customers/<int:pk>/", customers.customer_detail, name="customer"),
    path("customers/<int:pk>/edit/", customers.customer_edit, name="customer_edit"),
    path("customers/<int:pk>/tags/", customers.customer_tags, name="customer_tags"),
]
