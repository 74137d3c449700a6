from django.contrib import admin

from organisations.models import Organisation
from portal.core.admin import SuperuserOnlyAdmin


@admin.register(Organisation)
class OrganisationAdmin(SuperuserOnlyAdmin):
    list_display = ["name", "uscc", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "uscc"]
    readonly_fields = ["uscc", "uscc_override_reason", "uscc_override_by"]

    def has_add_permission(self, request):
        return False  # registration validates the code: organisation_create
