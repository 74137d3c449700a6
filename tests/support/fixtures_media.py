"""`media`: the test's uploads are stored in a folder of its own (`pytest.mark.usefixtures("media")`)."""

import pytest


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
