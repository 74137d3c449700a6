"""Score sheets in the admin: a bureau admin edits its program's sheets while no round has used them; a sheet in
use is read-only and changes by copying it as a new version."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from portal.core.admin import ProgramScopedAdmin
from scoring.models import SheetItem, SheetSection, SheetTemplate
from scoring.services import sheet_template_in_use, sheet_template_new_version


class SectionInline(admin.TabularInline):
    model = SheetSection
    fields = ["number", "name", "name_en"]
    extra = 0
    show_change_link = True
    can_delete = False


class ItemInline(admin.TabularInline):
    model = SheetItem
    fields = ["number", "name", "name_en", "max_points", "is_bonus"]
    extra = 0
    can_delete = False


class FixedOnceUsed:
    """Change permission only while the object's template is unused."""

    def template_of(self, obj):
        raise NotImplementedError

    def has_change_permission(self, request, obj=None):
        if obj is not None and sheet_template_in_use(self.template_of(obj)):
            return False
        return super().has_change_permission(request, obj)


@admin.register(SheetTemplate)
class SheetTemplateAdmin(FixedOnceUsed, ProgramScopedAdmin):
    list_display = ["name", "code", "version", "purpose", "program", "is_active"]
    list_filter = [("program", admin.RelatedOnlyFieldListFilter), "purpose", "is_active"]
    search_fields = ["name", "code"]
    list_select_related = ["program"]
    inlines = [SectionInline]
    actions = ["copy_as_new_version"]

    def template_of(self, obj):
        return obj

    @admin.action(description=_("Copy as a new version"))
    def copy_as_new_version(self, request, queryset):
        for template in queryset:
            if self._allowed(request, template):
                copy = sheet_template_new_version(template=template, acting_user=request.user)
                messages.success(
                    request, _("%(name)s version %(version)d created.") % {"name": copy.name, "version": copy.version}
                )


@admin.register(SheetSection)
class SheetSectionAdmin(FixedOnceUsed, ProgramScopedAdmin):
    program_field = "template__program"
    list_display = ["number", "name", "template"]
    list_select_related = ["template"]
    inlines = [ItemInline]

    def template_of(self, obj):
        return obj.template

    def program_id_of(self, obj):
        return obj.template.program_id

    def has_module_permission(self, request):
        return False  # reached from its template
