from django.db.models import IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404


def get_or_404(queryset, pk):
    """The row `pk` of an already-scoped queryset; 404 alike for absent, malformed and out-of-scope ids."""
    try:
        return queryset.get(pk=int(pk))
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def per_row(rows, aggregate, *, outer_field="program", empty=0, output_field=None):
    """A subquery of `aggregate` over the `rows` whose `outer_field` is the outer row (a program, an industry…), its
    default when there are none: figures of many tables side by side in one query, without the joins multiplying
    each other's rows."""
    figure = (
        rows.filter(**{outer_field: OuterRef("pk")})
        .order_by()
        .values(outer_field)
        .annotate(figure=aggregate)
        .values("figure")
    )
    return Coalesce(Subquery(figure), empty, output_field=output_field or IntegerField())
