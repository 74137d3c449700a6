"""Fixtures of subsidies: Jinhua's worked examples accepted."""

import pytest

from tests.support.runs import jinhua_worked_examples


@pytest.fixture
def jinhua_projects():
    """Jinhua's worked examples, accepted (`jinhua_worked_examples`)."""
    return jinhua_worked_examples()
