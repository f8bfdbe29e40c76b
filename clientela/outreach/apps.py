from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from clientela.accounts.models import Workspace


class OutreachConfig(AppConfig):
    name = "clientela.outreach"
    label = "outreach"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from clientela.clock.registry import register
        from clientela.commerce.signals import orders_placed
        from clientela.mail.signals import unsubscribe_requested
        from clientela.outreach.receivers import on_unsubscribe_requested
        from clientela.outreach.services.letters import thank_you_route
        from clientela.outreach.services.thank_you import thank_you_schedule
        from clientela.outreach.tasks import (
            CAMPAIGNS_CRON,
            SWEEP_CRON,
            outreach_campaigns_sweep,
            outreach_content_sweep,
        )

        register("outreach.content_sweep", SWEEP_CRON, outreach_content_sweep)
        register("outreach.campaigns_sweep", CAMPAIGNS_CRON, outreach_campaigns_sweep)
        unsubscribe_requested.connect(
            on_unsubscribe_requested, dispatch_uid="outreach.unsubscribe_requested"
        )

        def thank_you(
            sender: object, *, workspace: Workspace, order_ids: Sequence[int], **kwargs: object
        ) -> None:
            # In the transaction that wrote the orders: the letters commit or roll back with them,
            # and each order's route (e-mail or a letter by hand) is decided as it is placed.
            if thank_you_schedule(workspace, order_ids):
                thank_you_route(workspace=workspace, order_ids=order_ids)

        # weak=False: nothing else holds this function; dispatch_uid: connected once.
        orders_placed.connect(thank_you, weak=False, dispatch_uid="outreach.thank_you")
