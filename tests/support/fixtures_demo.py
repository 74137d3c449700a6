"""The session's database: the demo data set, built once; each test's own writes roll back."""

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The demo data set, built once for the session; each test's own writes roll back."""
    from demo.build import demo_build

    with django_db_blocker.unblock():
        demo_build()
