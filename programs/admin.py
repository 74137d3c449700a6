from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from portal.core.admin import ProgramScopedAdmin, SuperuserOnlyAdmin
from programs.models import (
    Batch,
    CalendarDay,
    Industry,
    Program,
    ProgramOrganisation,
    Region,
    RoleAssignment,
    ScenarioModule,
)
from programs.selectors import grantable_users, grantee_refusal
from programs.services import program_organisation_register, role_grant


@admin.register(Region)
class RegionAdmin(SuperuserOnlyAdmin):
    list_display = ["code", "name", "name_en", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["parent"]


@admin.register(Program)
class ProgramAdmin(ProgramScopedAdmin):
    program_field = "pk"
    list_display = ["slug", "name", "region", "bureau_name", "starts_on", "status"]
    list_select_related = ["region"]
    readonly_fields = ["slug"]

    def program_id_of(self, obj):
        return obj.pk

    def has_add_permission(self, request):
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        return [] if request.user.is_superuser else ["slug", "region"]


@admin.register(Industry)
class IndustryAdmin(ProgramScopedAdmin):
    list_display = ["code", "name", "name_en", "program", "sort_order", "is_active"]
    list_filter = [("program", admin.RelatedOnlyFieldListFilter), "is_active"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["program"]


@admin.register(ScenarioModule)
class ScenarioModuleAdmin(ProgramScopedAdmin):
    list_display = ["number", "name", "category", "kind", "price", "program", "is_active"]
    list_filter = [("program", admin.RelatedOnlyFieldListFilter), "kind", "category", "is_active"]
    search_fields = ["code", "name", "description"]
    list_select_related = ["program"]
    filter_horizontal = ["industries"]


@admin.register(Batch)
class BatchAdmin(ProgramScopedAdmin):
    list_display = ["number", "name", "program", "opens_on", "closes_on"]
    list_filter = [("program", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["program"]


@admin.register(CalendarDay)
class CalendarDayAdmin(ProgramScopedAdmin):
    list_display = ["date", "kind", "name", "program", "is_active"]
    list_filter = [("program", admin.RelatedOnlyFieldListFilter), "kind"]
    list_select_related = ["program"]


class RoleGrantAdminForm(forms.ModelForm):
    """The grantee is named by username: a list of every user would show people of other programs. The platform
    operator (a superuser) may name anyone; a bureau admin only a person of its program's organisations, with
    the same answer for an unknown username as for anyone else (programs.selectors.grantee_get)."""

    username = forms.CharField(label=_("Username"), max_length=150)
    acting_user = None  # set by RoleAssignmentAdmin.get_form

    class Meta:
        model = RoleAssignment
        fields = ["program", "role"]

    def clean(self):
        cleaned = super().clean()
        program, username = cleaned.get("program"), (cleaned.get("username") or "").strip()
        if program is None or not username:
            return cleaned
        if self.acting_user is not None and self.acting_user.is_superuser:
            users = get_user_model().objects.filter(is_active=True)
        else:
            users = grantable_users(program=program)
        user = users.filter(username=username).first()
        if user is None:
            self.add_error("username", grantee_refusal().message)
        else:
            self.instance.user = user
        return cleaned


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ProgramScopedAdmin):
    """Grants go through the role service so that the guardian permission and the record stay together."""

    list_display = ["user", "role", "program", "granted_by", "created_at", "revoked_at"]
    list_filter = [("program", admin.RelatedOnlyFieldListFilter), "role"]
    search_fields = ["user__username", "user__display_name"]
    list_select_related = ["program", "user", "granted_by"]
    form = RoleGrantAdminForm

    def get_fields(self, request, obj=None):
        return ["program", "user", "role", "granted_by", "revoked_at"] if obj else ["program", "username", "role"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.acting_user = request.user
        return form

    def get_readonly_fields(self, request, obj=None):
        return ["program", "user", "role", "granted_by", "revoked_at"] if obj else []

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        assignment = role_grant(program=obj.program, user=obj.user, role=obj.role, acting_user=request.user)
        obj.pk = assignment.pk

    def get_model_perms(self, request):
        perms = super().get_model_perms(request)
        perms["change"] = self.has_module_permission(request)
        return perms


@admin.register(ProgramOrganisation)
class ProgramOrganisationAdmin(SuperuserOnlyAdmin):
    """The platform operator registers the organisations taking part in a program (expert institutes, audit
    firms, associations, other bureaus); a bureau admin cannot, or it could reach any person on the platform."""

    list_display = ["organisation", "program", "registered_by", "created_at"]
    list_filter = [("program", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["organisation__name", "organisation__uscc"]
    list_select_related = ["program", "organisation", "registered_by"]
    autocomplete_fields = ["organisation"]
    fields = ["program", "organisation", "note"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        registration = program_organisation_register(
            program=obj.program, organisation=obj.organisation, acting_user=request.user, note=obj.note
        )
        obj.pk = registration.pk
