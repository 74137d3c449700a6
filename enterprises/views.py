"""The target-enterprise list: counts by township and industry, Excel template and import."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from enterprises import target_list
from enterprises.models import TargetEnterprise
from portal.core.roles import Capability
from programs.views import PAGE_SIZE, _render, program_view

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@program_view(Capability.VIEW_ALL_ENTERPRISES)
def targets(request, access):
    rows = TargetEnterprise.objects.filter(program=access.program, is_active=True)
    return _render(
        request,
        access,
        "enterprises/targets.html",
        {
            "page": Paginator(rows.select_related("township", "industry"), PAGE_SIZE).get_page(request.GET.get("page")),
            "by_township": rows.values("township__name")
            .annotate(count=Count("id"))
            .order_by("-count", "township__name"),
            "by_industry": rows.values("industry__name")
            .annotate(count=Count("id"))
            .order_by("-count", "industry__name"),
        },
    )


@program_view(Capability.CONFIGURE)
def target_template(request, access):
    response = HttpResponse(target_list.template_workbook(program=access.program), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="target-enterprises-template.xlsx"'
    return response


@program_view(Capability.CONFIGURE)
@require_http_methods(["GET", "POST"])
def target_import(request, access):
    report = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None or not upload.name.lower().endswith(".xlsx"):
            messages.error(request, _("Choose the filled-in .xlsx template."))
        elif upload.size > 10 * 1024 * 1024:
            messages.error(request, _("The file is larger than 10 MB."))
        else:
            report = target_list.target_list_import(
                program=access.program, acting_user=request.user, content=upload.read()
            )
            if report.ok:
                messages.success(request, _("%(count)d enterprises imported.") % {"count": report.created})
                return redirect("enterprises:targets", program=access.program.slug)
    return _render(request, access, "enterprises/target_import.html", {"report": report})
