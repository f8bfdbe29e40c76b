from django.urls import path

from clientela.web.customers import views

urlpatterns = [
    path("customers/", views.customer_list, name="customers"),
    path("customers/new/", views.customer_new, name="customer_new"),
    path("customers/<int:pk>/", views.customer_detail, name="customer"),
    path("customers/<int:pk>/edit/", views.customer_edit, name="customer_edit"),
    path("customers/<int:pk>/tags/", views.customer_tags, name="customer_tags"),
    # POST only: the forms of the customer page, which they lead back to.
    path("customers/<int:pk>/emails/", views.email_add, name="customer_email_add"),
    path(
        "customers/<int:pk>/emails/<int:email_pk>/primary/",
        views.email_primary,
        name="customer_email_primary",
    ),
    path(
        "customers/<int:pk>/emails/<int:email_pk>/remove/",
        views.email_remove,
        name="customer_email_remove",
    ),
    path("customers/<int:pk>/consents/", views.consent_add, name="customer_consent_add"),
    path(
        "customers/<int:pk>/consents/<int:consent_pk>/withdraw/",
        views.consent_withdraw,
        name="customer_consent_withdraw",
    ),
]
