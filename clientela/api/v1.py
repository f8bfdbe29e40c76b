"""The REST API root. Each domain adds its router in `clientela.api.routers`."""

from ninja import NinjaAPI

from clientela.api.auth import TokenAuth

api = NinjaAPI(
    title="Clientela API",
    version="1",
    urls_namespace="api-v1",
    auth=TokenAuth(),
)
