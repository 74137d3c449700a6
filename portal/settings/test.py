"""The test suite: fast hashing, a throw-away media folder, services from the environment."""

import tempfile

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-key-not-for-production-0123456789-abcdefghijklmnopqrstuvwxyz"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="shugai-test-media-")
STATIC_ROOT = tempfile.mkdtemp(prefix="shugai-test-static-")
REQUIRE_SERVICES = env.bool("REQUIRE_SERVICES", default=False)
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

# Tasks run in-process in tests; tests/core/test_settings_and_services.py starts a real worker on the Redis broker.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)

# The suite sends thousands of requests a minute from one address: rates far above it, so that only the tests of
# throttling (which set low rates) are ever throttled.
REST_FRAMEWORK = {  # noqa: F405
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": dict.fromkeys(REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "100000/min"),  # noqa: F405
}
