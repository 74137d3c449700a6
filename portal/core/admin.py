"""Django admin for bureau admins: each sees and edits only the programs it administers; nothing is deleted."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from portal.core.roles import Role


def administered_program_ids(user):
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return set()
    if user.is_superuser:
        return None  # all
    return set(
        user.role_assignments.filter(role=Role.BUREAU_ADMIN, revoked_at__isnull=True).values_list(
            "program_id", flat=True
        )
    )


class NoDeleteAdmin(SimpleHistoryAdmin):
    """History on every object; deletion is never offered (records are closed, not deleted)."""

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        # Drop Django's unnamed "<object_id>/" → "<object_id>/change/" redirect: every admin URL answers for itself.
        return [url for url in super().get_urls() if url.name]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Absent and out-of-scope objects look the same: 404, not a redirect that confirms anything.
        raise Http404

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        super().save_model(request, obj, form, change)


class SuperuserOnlyAdmin(NoDeleteAdmin):
    """Platform-wide reference data: only the platform operator edits it."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser


class ProgramScopedAdmin(NoDeleteAdmin):
    """Rows of the programs the user is bureau admin of; foreign keys offer only those programs' rows."""

    program_field = "program"

    def _programs(self, request):
        if not hasattr(request, "_administered_programs"):
            request._administered_programs = administered_program_ids(request.user)
        return request._administered_programs

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        ids = self._programs(request)
        return qs if ids is None else qs.filter(**{f"{self.program_field}__in": ids})

    def _allowed(self, request, obj=None):
        ids = self._programs(request)
        if ids is None:
            return True
        if not ids:
            return False
        return obj is None or self.program_id_of(obj) in ids

    def program_id_of(self, obj):
        return getattr(obj, f"{self.program_field}_id")

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        ids = self._programs(request)
        if ids is not None:
            if db_field.name == self.program_field:
                kwargs["queryset"] = db_field.related_model.objects.filter(pk__in=ids)
            elif hasattr(db_field.related_model, "program"):
                kwargs["queryset"] = db_field.related_model.objects.filter(program__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        ids = self._programs(request)
        if ids is not None and hasattr(db_field.related_model, "program"):
            kwargs["queryset"] = db_field.related_model.objects.filter(program__in=ids)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        ids = self._programs(request)
        if ids is not None and self.program_id_of(obj) not in ids:
            raise PermissionDenied
        super().save_model(request, obj, form, change)


class PlatformOnlyMixin:
    """An admin the portal did not write (groups, tokens, login attempts, the beat schedule): the platform
    operator's alone, and without Django's unnamed "<object_id>/" redirect, which would confirm to any staff
    user that an id exists."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_urls(self):
        return [url for url in super().get_urls() if url.name]


def platform_admins_restrict(site) -> None:
    """Give every admin registered by another package the PlatformOnlyMixin (the portal's own admins derive
    from NoDeleteAdmin and decide for themselves). Called once the admin modules are all loaded."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, NoDeleteAdmin | PlatformOnlyMixin):
            continue
        restricted = type(f"PlatformOnly{type(model_admin).__name__}", (PlatformOnlyMixin, type(model_admin)), {})
        site.unregister(model)
        site.register(model, restricted)
