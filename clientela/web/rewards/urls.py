from django.urls import path

from clientela.web.rewards import catalogue, views

urlpatterns = [
    path("rewards/", views.ledger, name="rewards"),
    path("rewards/counter/", views.counter, name="rewards_counter"),
    path("rewards/return/", views.return_report, name="rewards_return"),
    path("rewards/catalogue/", catalogue.catalogue, name="rewards_catalogue"),
    path("rewards/catalogue/<int:pk>/", catalogue.catalogue_item, name="rewards_catalogue_item"),
    path(
        "rewards/catalogue/<int:pk>/offer/",
        catalogue.catalogue_offer,
        name="rewards_catalogue_offer",
    ),
    path("rewards/<int:pk>/", views.compensation, name="rewards_compensation"),
    path("rewards/<int:pk>/receipt/", views.receipt, name="rewards_receipt"),
    path("rewards/<int:pk>/decide/", views.decide, name="rewards_decide"),
    path("rewards/certificates/<int:pk>/", views.certificate_print, name="rewards_certificate"),
    path("customers/<int:pk>/compensate/", views.propose, name="rewards_propose"),
    path("care/<int:pk>/compensate/", views.propose_for_case, name="rewards_case_propose"),
]
