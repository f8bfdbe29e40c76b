import pytest

from clientela.accounts.models import Membership, Role
from clientela.timeline.models import Event


@pytest.mark.django_db
def test_workspace_create_makes_the_creator_owner_and_records_it(cast):
    membership = Membership.objects.get(workspace=cast.shop, user=cast.owner)
    assert membership.role == Role.OWNER
    events = Event.objects.for_workspace(cast.shop).filter(kind="workspace.created")
    assert [(e.actor, e.new) for e in events] == [
        (cast.owner, {"name": "Alice's Shop", "slug": "alice"})
    ]
