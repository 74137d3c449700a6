"""What the tenant tells the apps above it, without importing them: they connect in their `ready()`."""

from django.dispatch import Signal

# Sent inside the transaction that revokes a role: `assignment` (the RoleAssignment, revoked), `acting_user`,
# `reason`. Receivers write in the same transaction, so a failure rolls the revocation back with them.
role_revoked = Signal()
