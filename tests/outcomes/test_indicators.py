"""Service indicators: recording a value, defining an indicator, CSV history all or
nothing with row-numbered errors, and who may do what."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from outcomes import indicators
from outcomes.models import IndicatorValue, ServiceIndicator
from tests.text import page_text


@pytest.fixture
def moves(world):
    return ServiceIndicator.objects.create(
        service=world.service,
        name="Placement moves",
        unit="moves a month",
        higher_is_better=False,
        baseline_value=6,
        baseline_period="2025–26 Q4",
    )


@pytest.fixture
def turnover(world):
    return ServiceIndicator.objects.create(
        service=world.service,
        name="Staff turnover",
        higher_is_better=False,
        baseline_value=14,
        baseline_period="2025–26 Q4",
    )


def upload(client, world, text: str, name="history.csv", encoding="utf-8"):
    url = reverse("outcomes:indicator_upload", args=[world.service.pk])
    file = SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")
    return client.post(url, {"file": file})


# --- Recording one value ----------------------------------------------------------------------


def test_service_manager_records_a_value(client, world, moves):
    client.force_login(world.service_manager)
    url = reverse("outcomes:indicator_value_record", args=[moves.pk])
    response = client.post(url, {"period_start": "2026-04-01", "value": "4"})
    assert response.status_code == 302
    assert IndicatorValue.objects.get(indicator=moves).value == 4
    page = client.get(reverse("outcomes:indicator_list", args=[world.service.pk]))
    assert "2 (33%) lower than the baseline: better" in page_text(page)


def test_recording_the_same_period_again_replaces_it(client, world, moves):
    client.force_login(world.service_manager)
    url = reverse("outcomes:indicator_value_record", args=[moves.pk])
    client.post(url, {"period_start": "2026-04-01", "value": "4"})
    client.post(url, {"period_start": "2026-04-01", "value": "5"})
    assert list(IndicatorValue.objects.values_list("value", flat=True)) == [5]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"period_start": "2026-04-01", "value": "-1"}, "Enter 0 or more."),
        ({"period_start": "2026-04-01", "value": "lots"}, "Enter a number"),
        ({"period_start": "2026-02-30", "value": "3"}, "Enter a real date"),
        ({"period_start": "2999-01-01", "value": "3"}, "cannot start in the future"),
        ({"value": "3"}, "Enter the date the period starts."),
    ],
)
def test_bad_values_are_refused_and_nothing_is_written(client, world, moves, data, message):
    client.force_login(world.service_manager)
    url = reverse("outcomes:indicator_value_record", args=[moves.pk])
    response = client.post(url, data)
    assert response.status_code == 200
    text = page_text(response)
    assert "There is a problem" in text and message in text
    assert not IndicatorValue.objects.exists()


def test_service_manager_adds_an_indicator(client, world):
    client.force_login(world.service_manager)
    url = reverse("outcomes:indicator_create", args=[world.service.pk])
    response = client.post(
        url,
        {
            "name": "Exclusions",
            "unit": "a term",
            "direction": "lower",
            "baseline_value": "3",
            "baseline_period": "2025 summer term",
        },
    )
    indicator = ServiceIndicator.objects.get(service=world.service, name="Exclusions")
    assert response.url == reverse("outcomes:indicator_value_record", args=[indicator.pk])
    assert not indicator.higher_is_better and indicator.baseline_value == 3


def test_an_indicator_name_is_unique_in_a_service(client, world, moves):
    client.force_login(world.service_manager)
    url = reverse("outcomes:indicator_create", args=[world.service.pk])
    response = client.post(
        url,
        {
            "name": "placement MOVES",
            "direction": "lower",
            "baseline_value": "3",
            "baseline_period": "Q4",
        },
    )
    assert "already has an indicator of this name" in page_text(response)
    assert ServiceIndicator.objects.count() == 1


# --- CSV history ------------------------------------------------------------------------------


def test_good_csv_is_applied(client, world, moves, turnover):
    client.force_login(world.service_manager)
    IndicatorValue.objects.create(indicator=moves, period_start=dt.date(2026, 1, 1), value=9)
    response = upload(
        client,
        world,
        "indicator,period_start,value\n"
        "Placement moves,2026-01-01,5\n"
        "placement moves,01/02/2026,4\n"
        "Staff turnover,2026-03,12.5\n",
    )
    assert response.status_code == 302
    values = dict(IndicatorValue.objects.values_list("period_start", "value"))
    assert values == {
        dt.date(2026, 1, 1): 5,  # replaced
        dt.date(2026, 2, 1): 4,
        dt.date(2026, 3, 1): 12.5,
    }
    page = client.get(reverse("outcomes:indicator_list", args=[world.service.pk]))
    assert "3 figures saved (2 new, 1 replaced)" in page_text(page)


def test_bad_rows_are_reported_by_row_number_and_nothing_is_written(client, world, moves):
    client.force_login(world.service_manager)
    response = upload(
        client,
        world,
        "indicator,period_start,value\n"
        "Placement moves,2026-01-01,5\n"  # row 2: fine
        "Complaints,2026-01-01,2\n"  # row 3: not an indicator of this service
        "Placement moves,31/02/2026,4\n"  # row 4: no such date
        "Placement moves,2026-03-01,many\n"  # row 5: not a number
        "Placement moves,2026-01-01,6\n"  # row 6: duplicate of row 2
        "\n"
        "Placement moves,2999-01-01,-2\n",  # row 8: future, negative
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "There is a problem" in text
    assert "Row 3: “Complaints” is not one of this service's indicators." in text
    assert "Row 4: “31/02/2026” is not a date" in text
    assert "Row 5: “many” is not a number." in text
    assert "Row 6: Placement moves for 01/01/2026 is already given in row 2." in text
    assert "Row 8: the period starting 01/01/2999 is in the future" in text
    assert "the value must be 0 or more" in text
    assert "Row 2" not in text
    assert "Nothing was saved" in text
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "The file is empty"),
        ("name,value\nPlacement moves,3\n", "Row 1: the header must name the columns"),
        ("indicator,period_start,value\n", "The file has no figures"),
        ("indicator,period_start,value\nPlacement moves,,\n", "Row 2: the period start is missing"),
    ],
)
def test_unusable_files_are_explained(client, world, moves, content, message):
    client.force_login(world.service_manager)
    response = upload(client, world, content)
    assert message in page_text(response)
    assert not IndicatorValue.objects.exists()


def test_windows_1252_files_are_read(world, moves):
    raw = "indicator,period_start,value\nPlacement moves,2026-01-01,3\n".encode("cp1252")
    result = indicators.indicator_values_import(service=world.service, raw=b"\xef\xbb\xbf" + raw)
    assert result.ok and result.created == 1


def test_binary_files_are_refused(world, moves):
    rows, errors = indicators.indicator_rows_parse(service=world.service, raw=b"\x00\x01PK\x03")
    assert not rows and "not a CSV" in errors[0]


def test_template_lists_the_services_indicators(client, world, moves):
    client.force_login(world.service_manager)
    response = client.get(reverse("outcomes:indicator_template", args=[world.service.pk]))
    assert response.content.decode().splitlines()[0] == "indicator,period_start,value"
    assert "Placement moves" in response.content.decode()


# --- Who may do what --------------------------------------------------------------------------


def test_commissioner_reads_but_may_not_record(client, world, moves):
    IndicatorValue.objects.create(indicator=moves, period_start=dt.date(2026, 1, 1), value=5)
    client.force_login(world.commissioner)
    page = client.get(reverse("outcomes:indicator_list", args=[world.service.pk]))
    assert page.status_code == 200
    assert "Placement moves" in page_text(page) and "<svg" in page.content.decode()
    assert "Record a value" not in page_text(page)
    url = reverse("outcomes:indicator_value_record", args=[moves.pk])
    assert client.post(url, {"period_start": "2026-04-01", "value": "1"}).status_code == 403
    assert IndicatorValue.objects.count() == 1


@pytest.mark.parametrize("who", ["practitioner", "line_manager", "other_service_manager"])
def test_others_get_404(client, world, moves, who):
    client.force_login(getattr(world, who))
    assert (
        client.get(reverse("outcomes:indicator_list", args=[world.service.pk])).status_code == 404
    )
    url = reverse("outcomes:indicator_value_record", args=[moves.pk])
    assert client.post(url, {"period_start": "2026-04-01", "value": "1"}).status_code == 404
    assert not IndicatorValue.objects.exists()
