import pytest

from .builders import build_programme_world


@pytest.fixture
def programme_world(world):
    return build_programme_world(world)
