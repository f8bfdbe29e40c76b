"""What accounts announces to the apps above it.

`account_changed`: a workspace, a membership or an API token changed. It is sent inside the
transaction that wrote the change, with the keyword arguments of
`clientela.timeline.services.event_record` (workspace, actor, kind, and subject or
subject_type/subject_id, old, new). The timeline connects the receiver that records it
(`TimelineConfig.ready`), so accounts, the lowest app, imports nothing above it and the
history row still commits or rolls back with the change.
"""

from __future__ import annotations

from django.dispatch import Signal

account_changed = Signal()
