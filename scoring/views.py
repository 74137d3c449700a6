"""The program's score sheets, readable by everyone in the program: providers see what they are scored on."""

from django.shortcuts import render

from portal.core.queries import get_or_404
from portal.core.roles import Capability
from programs.web import program_view
from scoring.selectors import sheet_structure, sheet_template_list
from scoring.services import sheet_template_in_use


@program_view(Capability.VIEW_REFERENCE)
def sheet_list(request, access):
    templates = list(sheet_template_list(program=access.program))
    return render(
        request,
        "scoring/sheet_list.html",
        {"access": access, "program": access.program, "templates": templates},
    )


@program_view(Capability.VIEW_REFERENCE)
def sheet_detail(request, access, template):
    item = get_or_404(sheet_template_list(program=access.program), template)
    sections = sheet_structure(item)
    regular = sum((i.max_points for s in sections for i in s.items.all() if not i.is_bonus), start=0)
    bonus = sum((i.max_points for s in sections for i in s.items.all() if i.is_bonus), start=0)
    return render(
        request,
        "scoring/sheet_detail.html",
        {
            "access": access,
            "program": access.program,
            "template": item,
            "sections": sections,
            "regular_total": regular,
            "bonus_total": bonus,
            "in_use": sheet_template_in_use(item),
        },
    )
