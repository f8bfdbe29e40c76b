"""The REST API root. Each app adds its router from `clientela.api.<app>.router`.

OpenAPI 3.1 at /api/v1/openapi.json, Swagger UI at /api/v1/docs. Every operation needs a
bearer token (`Authorization: Bearer clt_...`); lists page with `limit` and `cursor` and
answer `{"items": [...], "next": cursor | null}`; amounts are decimal strings ("12.50");
date-times are RFC 3339 with a time zone.
"""

from ninja import NinjaAPI

from clientela.api import errors
from clientela.api.accounts import router as accounts
from clientela.api.auth import TokenAuth
from clientela.api.care import router as care
from clientela.api.commerce import router as commerce
from clientela.api.customers import router as customers
from clientela.api.forwarding.router import router as forwarding_router
from clientela.api.imports import router as imports
from clientela.api.inbox.clock_router import router as inbox_clock_router
from clientela.api.inbox.router import router as inbox_router
from clientela.api.mail.router import router as mail_router
from clientela.api.outreach.router import router as outreach_router
from clientela.api.privacy import router as privacy
from clientela.api.retention import router as retention
from clientela.api.rewards import router as rewards

api = NinjaAPI(
    title="Clientela API",
    version="1",
    description=__doc__.split("\n\n", 1)[1] if __doc__ else "",
    urls_namespace="api-v1",
    auth=TokenAuth(),
)
errors.install(api)

api.add_router("/customers", customers.router)
api.add_router("/products", commerce.product_router)
api.add_router("/orders", commerce.order_router)
api.add_router("/imports", imports.router)
api.add_router("/outreach", outreach_router)
api.add_router("/delivery", mail_router)
api.add_router("/retention", retention.router)
api.add_router("/account", accounts.router)
api.add_router("/privacy", privacy.router)
api.add_router("/care", care.router)
api.add_router("/inbox", inbox_router)
api.add_router("/inbox/clock", inbox_clock_router)
api.add_router("/forwarding", forwarding_router)
api.add_router("/rewards", rewards.router)
