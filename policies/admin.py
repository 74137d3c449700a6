from django.contrib import admin

from policies.models import PolicyParameter, PolicyTrack, PolicyVersion
from portal.core.admin import ProgramScopedAdmin


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TrackInline(ReadOnlyInline):
    model = PolicyTrack
    fields = ["code", "kind", "name", "implementation_months", "industry_codes", "scale"]
    readonly_fields = fields


class ParameterInline(ReadOnlyInline):
    model = PolicyParameter
    fields = ["track", "key", "qualifier", "value", "date_value"]
    readonly_fields = fields


@admin.register(PolicyVersion)
class PolicyVersionAdmin(ProgramScopedAdmin):
    """Read here; drafts are edited, validated and activated on the portal's policy pages (draft-only rules)."""

    list_display = ["code", "name", "program", "status", "effective_from", "activated_by"]
    list_filter = [("program", admin.RelatedOnlyFieldListFilter), "status"]
    list_select_related = ["program", "activated_by"]
    inlines = [TrackInline, ParameterInline]
    readonly_fields = ["program", "code", "status", "effective_from", "activated_at", "activated_by"]
    fields = ["program", "code", "name", "source", "status", "effective_from", "activated_at", "activated_by", "notes"]

    def has_add_permission(self, request):
        return False
