"""What a filing tells the apps above it, without importing them: they connect in their `ready()`."""

from django.dispatch import Signal

# Sent inside the transaction that approves a filing: `application` (approved and saved), `approved_on` (the day),
# `acting_user`. Receivers write in the same transaction (implementation copies the track's milestones), so a
# failure rolls the approval back with them.
application_approved = Signal()
