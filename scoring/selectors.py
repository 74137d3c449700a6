from django.db.models import Prefetch

from scoring.models import SheetItem, SheetSection, SheetTemplate


def sheet_template_list(*, program, purpose=""):
    qs = SheetTemplate.objects.filter(program=program)
    return qs.filter(purpose=purpose) if purpose else qs


def sheet_structure(template: SheetTemplate) -> list[SheetSection]:
    """The template's sections, each with `items` prefetched in order (two queries)."""
    return list(
        template.sections.order_by("number").prefetch_related(
            Prefetch("items", queryset=SheetItem.objects.order_by("number"))
        )
    )
