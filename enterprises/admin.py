from django.contrib import admin

from enterprises.models import EnterpriseProfile
from portal.core.admin import ProgramScopedAdmin


@admin.register(EnterpriseProfile)
class EnterpriseProfileAdmin(ProgramScopedAdmin):
    list_display = ["organisation", "program", "industry", "township", "scale", "output_band", "verification"]
    list_filter = [
        ("program", admin.RelatedOnlyFieldListFilter),
        ("industry", admin.RelatedOnlyFieldListFilter),
        "scale",
        "verification",
    ]
    search_fields = ["organisation__name", "organisation__uscc"]
    list_select_related = ["organisation", "program", "industry", "township"]
    readonly_fields = ["organisation"]

    def has_add_permission(self, request):
        return False  # enterprises enrol through registration
