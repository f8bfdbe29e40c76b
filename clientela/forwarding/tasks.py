"""The hourly job that grants aliases by each workspace's rule."""

from __future__ import annotations

from django_tasks import task

from clientela.forwarding.services import aliases_grant_by_rule_all

GRANT_CRON = "35 * * * *"


@task(queue_name="default")
def forwarding_grant_by_rule() -> int:
    """Grant the aliases every rule admits; safe twice (a customer gets one alias, once)."""
    return aliases_grant_by_rule_all()
