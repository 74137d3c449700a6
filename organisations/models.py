from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.core.models import BaseModel


class OrganisationKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    PROVIDER = "provider", _("Service provider")
    ASSOCIATION = "association", _("Industry association")
    AUDIT_FIRM = "audit_firm", _("Audit firm")
    BUREAU = "bureau", _("Government bureau")
    INSTITUTION = "institution", _("Research or expert institution")
    SUPERVISION_FIRM = "supervision_firm", _("Supervision firm")


class Organisation(BaseModel):
    """An organisation that exists once, identified by its USCC, and takes part in several programs."""

    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=40, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=40, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    uscc_override_reason = models.TextField(_("reason the code was accepted despite its check character"), blank=True)
    uscc_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    group = models.ForeignKey(
        "self",
        verbose_name=_("group (parent company)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="group_members",
        help_text=_("Organisations of one group are affiliates: none may judge another's work."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self):
        return self.name


def affiliated(first_id, first_group_id, second_id, second_group_id) -> bool:
    """True when two organisations are one and the same, or one is the other's group, or they share a group."""
    if first_id is None or second_id is None:
        return False
    return (
        first_id == second_id
        or first_group_id == second_id
        or second_group_id == first_id
        or (first_group_id is not None and first_group_id == second_group_id)
    )
