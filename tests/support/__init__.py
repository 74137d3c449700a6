"""What the tests share: helpers (who acts, URLs, clocks, pages, the domain's common steps), the fixtures
registered as plugins by tests/conftest.py (`fixtures_*`), and the tenant graph (`tenant/`)."""
