import pytest
from django.db import IntegrityError, transaction

from fidelity.models import FidelityRating
from tests import factories as f

pytestmark = pytest.mark.django_db


def assert_rejected(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_a_fidelity_tool_has_at_most_eight_items():
    tool = f.FidelityToolFactory()
    f.FidelityItemFactory(tool=tool, number=8)
    assert_rejected(lambda: f.FidelityItemFactory(tool=tool, number=9))


def test_ratings_stay_on_the_strengths_scale_once_per_item():
    item = f.FidelityItemFactory()
    check = f.FidelityCheckFactory(tool=item.tool)
    assert_rejected(lambda: FidelityRating.objects.create(check_record=check, item=item, rating=5))
    FidelityRating.objects.create(check_record=check, item=item, rating=4)
    assert_rejected(lambda: FidelityRating.objects.create(check_record=check, item=item, rating=3))


def test_support_actions_read_well():
    action = f.SupportActionFactory(description="Shadow a colleague on a family visit.")
    assert str(action).startswith(f"Support for {action.staff}:")
