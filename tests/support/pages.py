"""Pages as a reader gets them: the queries a page costs (the way the query-count tests pin them), the text a
page shows, and a client asking for a language."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext


def page_queries(client, url):
    """The queries of the page as a returning reader finds it: a first request fills the caches (the session's,
    content types, the data-versioned reads of portal.core.versions), the second is counted. Returns the number
    and the captured queries."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), queries


def page_queries_sql(client, url):
    """`page_queries`, with the queries as SQL text, one a line (for the message when a count is wrong)."""
    number, queries = page_queries(client, url)
    return number, "\n".join(query["sql"] for query in queries.captured_queries)


def shown(text, escaped=True):
    """`text` as the page shows it: translated to the default language, HTML-escaped unless it is a template's
    literal (a {% translate %} of a literal is not escaped)."""
    with translation.override(settings.LANGUAGE_CODE):
        text = gettext(str(text))
    return escape(text) if escaped else text


def client_in(language: str):
    """A `client` fixture whose requests ask for `language`: a module sets `client = client_in("en")`."""

    @pytest.fixture
    def client(client):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return client
