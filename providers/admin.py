from django.contrib import admin

from portal.core.admin import ProgramScopedAdmin
from providers.models import PoolMembership


@admin.register(PoolMembership)
class PoolMembershipAdmin(ProgramScopedAdmin):
    list_display = ["organisation", "program", "status", "local_support_staff", "joined_on"]
    list_filter = [("program", admin.RelatedOnlyFieldListFilter), "status"]
    search_fields = ["organisation__name", "organisation__uscc"]
    list_select_related = ["organisation", "program"]
    readonly_fields = ["organisation"]
    filter_horizontal = ["industries"]
