from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from portal.core.admin import SuperuserOnlyAdmin


@admin.register(User)
class UserAdmin(SuperuserOnlyAdmin, DjangoUserAdmin):
    list_display = ["username", "display_name", "organisation", "is_active", "is_staff", "last_login"]
    list_select_related = ["organisation"]
    search_fields = ["username", "display_name", "email"]
    fieldsets = DjangoUserAdmin.fieldsets + ((_("Portal"), {"fields": ["display_name", "phone", "organisation"]}),)
