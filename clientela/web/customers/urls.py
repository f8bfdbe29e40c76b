from django.urls import path

from clientela.web.views import customer_contacts as contacts
from clientela.web.views import customers, exports

urlpatterns = [
    path("customers/", customers.customer_list, name="customers"),
    path("customers/export.csv", exports.customer_export, name="customer_export"),
    path("customers/new/", customers.customer_new, name="customer_new"),
    path("customers/<int:pk>/", customers.customer_detail, name="customer"),
    path("customers/<int:pk>/edit/", customers.customer_edit, name="customer_edit"),
    path("customers/<int:pk>/tags/", customers.customer_tags, name="customer_tags"),
    # POST only: the forms of the customer page, which they lead back to.
    path("customers/<int:pk>/emails/", contacts.email_add, name="customer_email_add"),
    path(
        "customers/<int:pk>/emails/<int:email_pk>/primary/",
        contacts.email_primary,
        name="customer_email_primary",
    ),
    path(
        "customers/<int:pk>/emails/<int:email_pk>/remove/",
        contacts.email_remove,
        name="customer_email_remove",
    ),
    path("customers/<int:pk>/consents/", contacts.consent_add, name="customer_consent_add"),
    path(
        "customers/<int:pk>/consents/<int:consent_pk>/withdraw/",
        contacts.consent_withdraw,
        name="customer_consent_withdraw",
    ),
]
