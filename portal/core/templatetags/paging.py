from django import template

register = template.Library()


@register.filter
def page_window(page):
    """The page numbers a pagination bar shows around `page`: the first, the last, two either side of the current
    one, and the paginator's ELLIPSIS for each gap. Its length does not grow with the number of pages."""
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
