import pytest


@pytest.mark.django_db
def test_every_page_renders_for_the_owner(cast, shop, client_for):
    client = client_for(cast.owner)
    for url in [
        "/w/alice/",
        "/w/alice/customers/",
        "/w/alice/customers/?q=io&orders=yes",
        f"/w/alice/customers/{shop.customer.pk}/",
        f"/w/alice/customers/{shop.customer.pk}/edit/",
        "/w/alice/customers/new/",
        "/w/alice/orders/",
        "/w/alice/orders/?status=placed&placed_from=2026-03-01",
        "/w/alice/products/",
        "/w/alice/products/new/",
        f"/w/alice/products/{shop.product.pk}/edit/",
        f"/w/alice/products/{shop.product.pk}/",
        "/w/alice/orders/new/",
        f"/w/alice/orders/{shop.order.pk}/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
