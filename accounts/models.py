from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.core.errors import HardDeleteRefused


class User(AbstractUser):
    """A person who logs in. Belongs to at most one organisation; holds roles per program."""

    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username

    def save(self, *args, **kwargs):
        # A login only moves last_login, which the history leaves out; it is not a change worth a row.
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) <= {"last_login"}:
            self.skip_history_when_saving = True
        try:
            super().save(*args, **kwargs)
        finally:
            self.__dict__.pop("skip_history_when_saving", None)

    def delete(self, *args, **kwargs):
        raise HardDeleteRefused(type(self))


class ApiToken(models.Model):
    """A key for the API, issued at each token login. Only its SHA-256 is stored; the key is shown once. It stops
    working at `expires_at` (its user's programs set the lifetime) or when revoked: by its owner, by a bureau
    admin of one of the owner's programs, on a password change or on the loss of a role."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=60, blank=True)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("key start"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, verbose_name=_("revoked by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.CharField(_("reason for revoking"), max_length=200, blank=True)
    # The user's session hash when the token was issued (an HMAC of the password hash, as Django's sessions keep):
    # a password changed by any path (its page, Django admin, a set-password link, the command line) ends it.
    password_hash_mac = models.CharField(_("password fingerprint"), max_length=128, editable=False, default="")

    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "revoked_at", "expires_at"])]

    def __str__(self):
        return f"{self.prefix}… ({self.user.username})"

    def is_usable(self, at=None) -> bool:
        return self.revoked_at is None and self.expires_at > (at or timezone.now())

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "active" if self.expires_at > timezone.now() else "expired"

    def delete(self, *args, **kwargs):
        raise HardDeleteRefused(type(self))


class LockLift(models.Model):
    """A login lock (django-axes' failed attempts for one username and address) lifted by a bureau admin. Axes
    drops its own rows when a lock is lifted; this row keeps who lifted which lock, when and why."""

    program = models.ForeignKey(
        "programs.Program", verbose_name=_("program"), on_delete=models.PROTECT, related_name="+"
    )
    username = models.CharField(_("username"), max_length=255)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    failures = models.PositiveIntegerField(_("failed attempts"))
    lifted_by = models.ForeignKey(User, verbose_name=_("lifted by"), on_delete=models.PROTECT, related_name="+")
    lifted_at = models.DateTimeField(_("lifted at"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=200)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lifted login lock")
        verbose_name_plural = _("lifted login locks")
        ordering = ["-lifted_at", "-id"]

    def __str__(self):
        return f"{self.username} @ {self.ip_address}"

    def delete(self, *args, **kwargs):
        raise HardDeleteRefused(type(self))
