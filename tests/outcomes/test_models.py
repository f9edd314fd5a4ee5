import pytest
from django.db import IntegrityError, transaction

from tests import factories as f

pytestmark = pytest.mark.django_db


def assert_rejected(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_measure_versions_are_unique_and_scales_ordered():
    measure = f.MeasureFactory(slug="confidence", version="1")
    assert_rejected(lambda: f.MeasureFactory(slug="confidence", version="1"))
    assert f.MeasureFactory(slug="confidence", version="2")
    assert_rejected(lambda: f.MeasureFactory(scale_min=5, scale_max=1))
    assert_rejected(lambda: f.MeasureFactory(reliability=1.5))
    assert str(measure).endswith("(v1)")


def test_one_response_per_person_point_and_cohort():
    response = f.MeasureResponseFactory()
    assert_rejected(
        lambda: f.MeasureResponseFactory(
            staff=response.staff, point=response.point, cohort=response.cohort
        )
    )
