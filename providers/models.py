from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.core.models import BaseModel


class PoolStatus(models.TextChoices):
    POOL = "pool", _("In the resource pool")
    SELECTED = "selected", _("Selected provider")
    WARNED = "warned", _("Selected, warned")
    REMOVED = "removed", _("Removed")


class PoolMembership(BaseModel):
    """A provider's place in a program's resource pool (资源池) and, once chosen, on its selected list."""

    program = models.ForeignKey(
        "programs.Program",
        verbose_name=_("program"),
        on_delete=models.PROTECT,
        related_name="pool_memberships",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="pool_memberships",
    )
    industries = models.ManyToManyField(
        "programs.Industry", verbose_name=_("industries"), blank=True, related_name="pool_memberships"
    )
    status = models.CharField(_("status"), max_length=10, choices=PoolStatus.choices, default=PoolStatus.POOL)
    local_support_staff = models.PositiveIntegerField(_("local support staff"), default=0)
    qualifications = models.TextField(_("qualifications"), blank=True)
    joined_on = models.DateField(_("joined on"))

    class Meta:
        verbose_name = _("resource pool membership")
        verbose_name_plural = _("resource pool memberships")
        ordering = ["program", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "organisation"], name="one_pool_membership_per_program"),
        ]

    def __str__(self):
        return self.organisation.name
