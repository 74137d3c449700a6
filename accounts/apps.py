"""Users, logins and API tokens."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from programs.signals import role_revoked

        role_revoked.connect(_tokens_end_with_the_role, dispatch_uid="accounts.tokens_end_with_the_role")


def _tokens_end_with_the_role(sender, *, assignment, acting_user, reason, **kwargs):
    from accounts.services import api_tokens_revoke_all

    api_tokens_revoke_all(
        user=assignment.user, acting_user=acting_user, reason=_("Role revoked: %(reason)s") % {"reason": reason}
    )
