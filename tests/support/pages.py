"""Counting a page's queries the way the query-count tests pin them."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def page_queries(client, url):
    """The queries of the page as a returning reader finds it: a first request fills the caches (the session's,
    content types, the data-versioned reads of portal.core.versions), the second is counted. Returns the number
    and the captured queries."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), queries
