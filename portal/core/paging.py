"""Pages that cost the same on page 1 and page 1,000.

A page of a list whose rows carry per-row sums (correlated subqueries) is read in two steps: the page's keys
(ordered, offset, limited: an index scan), then the rows of those keys with their sums. Offsetting the full rows
instead would make the database compute every skipped row's sums. Pages in the back half are read from the end
(the ordering reversed), so even the last page skips only a few rows.
"""

from django.core.paginator import Paginator
from django.db.models.query import ModelIterable, QuerySet

from portal.core.api import Pagination


class DeferredPaginator(Paginator):
    """A Django Paginator for ordered model querysets (anything else pages as Django's does).

    `count`: the number of rows when the caller has it already (a cached count); `rows`: a function giving the
    rows of a page's keys, in their order, when a page is not to be read as model instances."""

    def __init__(self, object_list, per_page, *, count=None, rows=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        if count is not None:
            self.count = count  # the cached property's value
        self.rows_of = rows

    def page(self, number):
        rows = self.object_list
        if not (isinstance(rows, QuerySet) and rows.ordered and rows._iterable_class is ModelIterable):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        keys = rows.values_list("pk", flat=True)
        if bottom > self.count // 2:
            keys = list(keys.reverse()[self.count - top : self.count - bottom])[::-1]
        else:
            keys = list(keys[bottom:top])
        if self.rows_of is not None:
            return self._get_page(self.rows_of(keys), number, self)
        found = {row.pk: row for row in rows.filter(pk__in=keys)}
        return self._get_page([found[key] for key in keys if key in found], number, self)


class DeferredPagination(Pagination):
    """The API's pagination over a `DeferredPaginator`."""

    django_paginator_class = DeferredPaginator
