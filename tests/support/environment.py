"""What the machine offers the suite: the real services named by the environment, Chromium, and the password of
the users the factories make."""

import os
import shutil

import pytest
from django.conf import settings

PASSWORD = "Test-password-123"  # tests.factories.UserFactory's


def services_required() -> bool:
    return bool(getattr(settings, "REQUIRE_SERVICES", False))


def need(condition: bool, what: str):
    """Skip when a service is absent locally; fail under REQUIRE_SERVICES=1 (CI), where skipping hides a gap."""
    if condition:
        return
    if services_required():
        pytest.fail(f"REQUIRE_SERVICES=1 but {what}")
    pytest.skip(what)


def chromium_path():
    return os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
