"""The suite's fixtures live in tests/support, one plugin module a concern; their helpers beside them."""

pytest_plugins = [
    "tests.support.fixtures_demo",
    "tests.support.fixtures_media",
    "tests.support.fixtures_tenant",
    "tests.support.fixtures_acceptance",
    "tests.support.fixtures_subsidies",
    "tests.support.fixtures_rankings",
    "tests.support.fixtures_browser",
]


def pytest_terminal_summary(terminalreporter):
    from tests.security.test_isolation_walker import CHECKED

    if CHECKED["pairs"]:
        terminalreporter.write_line(
            f"isolation walker: {CHECKED['routes']} routes, {CHECKED['pairs']} (route × role) pairs checked, "
            f"{CHECKED['requests']} requests"
        )
