from django.http import Http404


def get_or_404(queryset, pk):
    """The row `pk` of an already-scoped queryset; 404 alike for absent, malformed and out-of-scope ids."""
    try:
        return queryset.get(pk=int(pk))
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
