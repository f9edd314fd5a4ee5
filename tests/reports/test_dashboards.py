"""Dashboards: the commissioner's programme overview, the service and team views, their
exports, and who may open them."""

import csv
import io

from openpyxl import load_workbook

from reports import queries, rules
from supervision.queries import compliance_by_service
from tests.text import page_text


def test_programme_dashboard_shows_each_service_with_figures_from_the_shared_queries(
    client, programme_world
):
    w = programme_world
    client.force_login(w.commissioner)
    response = client.get(f"/dashboard/programmes/{w.programme.pk}/")
    assert response.status_code == 200
    text = page_text(response)
    assert "Riverside Family Help" in text and "Hillside Early Help" in text
    # The supervision share is the one compliance_by_service computes.
    table = compliance_by_service(w.programme)
    figure = table.column("Hillside Early Help").figures["line_management"]
    assert f"{figure.percent}% ({figure.numerator} of {figure.denominator})" in text
    # Champions: 2 trained (1 active) at Riverside, so penetration 50%.
    dashboard = response.context["dashboard"]
    riverside = next(r for r in dashboard.services if r.participation.service_id == w.service.pk)
    assert (riverside.champions.nominated, riverside.champions.trained) == (2, 2)
    assert riverside.champions.active == 1 and riverside.champions.penetration == 50
    # Each figure links to the page that explains it.
    assert f'href="/participations/{w.participation.pk}/agreement/"' in response.content.decode()
    assert f'href="/programmes/{w.programme.pk}/standards/"' in response.content.decode()


def test_risks_name_the_agreement_overdue_for_review(client, programme_world):
    w = programme_world
    client.force_login(w.commissioner)
    text = page_text(client.get(f"/dashboard/programmes/{w.programme.pk}/"))
    assert "Agreed 400 days ago, not reviewed since." in text
    assert "agreed more than 365 days ago" in text


def test_a_service_long_in_its_stage_is_behind(programme_world):
    w = programme_world
    w.participation.joined_on = w.today.replace(year=w.today.year - 1)
    w.participation.save()
    dashboard = queries.programme_dashboard(w.commissioner, w.programme)
    found = rules.risks(dashboard)
    behind = [f for f in found if f.about == "Riverside Family Help" and "installation" in f.detail]
    assert behind and "expected up to 180" in behind[0].detail


def test_the_period_filter_measures_as_at_a_quarter_end(client, programme_world):
    w = programme_world
    client.force_login(w.commissioner)
    quarter_end = queries.period_choices()[1][0]
    response = client.get(f"/dashboard/programmes/{w.programme.pk}/", {"as_of": quarter_end})
    assert response.context["dashboard"].as_of.isoformat() == quarter_end
    bad = client.get(f"/dashboard/programmes/{w.programme.pk}/", {"as_of": "1999-01-01"})
    assert bad.status_code == 200
    assert "not one of those offered" in page_text(bad)
    assert bad.context["dashboard"].as_of == w.today


def test_a_service_manager_sees_only_their_services_on_the_programme_dashboard(
    client, programme_world
):
    w = programme_world
    client.force_login(w.service_manager)
    response = client.get(f"/dashboard/programmes/{w.programme.pk}/")
    text = page_text(response)
    assert "Riverside Family Help" in text
    assert "Hillside Early Help" not in text
    assert "Download the commissioning report" not in text


def test_outsiders_get_404(client, programme_world):
    w = programme_world
    client.force_login(w.other_commissioner)
    assert client.get(f"/dashboard/programmes/{w.programme.pk}/").status_code == 404
    assert client.get(f"/dashboard/services/{w.service.pk}/").status_code == 404
    assert client.get(f"/dashboard/programmes/{w.programme.pk}/services.csv").status_code == 404
    client.force_login(w.practitioner)
    assert client.get(f"/dashboard/services/{w.service.pk}/").status_code == 404
    assert client.get("/dashboard/team/").status_code == 404


def test_service_view_shows_teams_and_commissioners_see_them_unnamed(client, programme_world):
    w = programme_world
    client.force_login(w.service_manager)
    text = page_text(client.get(f"/dashboard/services/{w.service.pk}/"))
    assert f"Team of {w.line_manager_staff.full_name}" in text
    client.force_login(w.commissioner)
    text = page_text(client.get(f"/dashboard/services/{w.service.pk}/"))
    assert "Team 1" in text
    assert w.line_manager_staff.full_name not in text


def test_team_view_for_the_line_manager(client, programme_world):
    w = programme_world
    client.force_login(w.line_manager)
    response = client.get("/dashboard/team/")
    assert response.status_code == 200
    text = page_text(response)
    assert f"Team of {w.line_manager_staff.full_name}" in text
    dashboard = response.context["dashboard"]
    assert dashboard.champions.trained == 2 and dashboard.champions.active == 1


def test_csv_export_equals_the_table_and_carries_the_suppression_notes(client, programme_world):
    w = programme_world
    client.force_login(w.commissioner)
    response = client.get(f"/dashboard/programmes/{w.programme.pk}/compliance.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    dashboard = queries.programme_dashboard(w.commissioner, w.programme)
    table = dashboard.table("compliance")
    assert lines[1] == table.columns
    assert lines[2 : 2 + len(table.rows)] == table.plain_rows()
    if table.notes:
        assert lines[-1][0].startswith(f"[{len(table.notes)}]")
    # Riverside has one supervisee under the threshold of 2: not shown, with a note.
    assert any("Not shown [" in cell for row in lines for cell in row)


def test_xlsx_export_has_the_same_rows(client, programme_world):
    w = programme_world
    client.force_login(w.commissioner)
    response = client.get(f"/dashboard/programmes/{w.programme.pk}/services.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value or "" for c in row] for row in sheet.iter_rows()]
    table = queries.programme_dashboard(w.commissioner, w.programme).table("services")
    assert values[1][: len(table.columns)] == table.columns
    assert [v[: len(table.columns)] for v in values[2 : 2 + len(table.rows)]] == table.plain_rows()


def test_exports_do_not_let_a_name_run_as_a_formula(client, programme_world):
    w = programme_world
    w.second_service.name = "=HYPERLINK(1)"
    w.second_service.save()
    client.force_login(w.commissioner)
    content = client.get(f"/dashboard/programmes/{w.programme.pk}/services.csv").content
    assert b"'=HYPERLINK(1)" in content


def test_unknown_table_or_format_is_404(client, programme_world):
    w = programme_world
    client.force_login(w.commissioner)
    assert client.get(f"/dashboard/programmes/{w.programme.pk}/nothing.csv").status_code == 404
    assert client.get(f"/dashboard/programmes/{w.programme.pk}/services.pdf").status_code == 404


def test_programme_page_and_home_lead_to_the_dashboard(client, programme_world):
    w = programme_world
    client.force_login(w.commissioner)
    dashboard_url = f"/dashboard/programmes/{w.programme.pk}/"
    assert dashboard_url in client.get(f"/programmes/{w.programme.pk}/").content.decode()
    assert dashboard_url in client.get("/programmes/").content.decode()


def _with_figures(w):
    from .builders import add_outcomes_and_fidelity, outcome_and_fidelity_setup

    setup = outcome_and_fidelity_setup(w.programme)
    add_outcomes_and_fidelity(setup, w.service, 3, line_manager=w.line_manager_staff)
    add_outcomes_and_fidelity(setup, w.second_service, 3)
    return setup


def test_programme_dashboard_shows_outcome_and_fidelity_headlines_linked_to_their_pages(
    client, programme_world
):
    from outcomes.impact import impact_report

    w = programme_world
    _with_figures(w)
    client.force_login(w.commissioner)
    response = client.get(f"/dashboard/programmes/{w.programme.pk}/")
    text = page_text(response)
    html = response.content.decode()
    # The impact module's own figures, for the programme's first later point.
    total = impact_report(programme=w.programme, scope="All services").measures[0].total
    assert "Outcomes and fidelity at a glance" in text
    assert total.completeness_text == "100% (6 of 6)"
    for figure in (total.completeness_text, total.improved_text, total.dz_text):
        assert figure in text
    assert "“Before training” with “Six weeks after training”" in text
    assert f'href="/programmes/{w.programme.pk}/impact/?after=six-weeks-after-training"' in html
    assert f'href="/programmes/{w.programme.pk}/fidelity/"' in html
    fidelity = response.context["dashboard"].table("fidelity")
    assert [r[0].text for r in fidelity.rows] == [
        "Hillside Early Help",
        "Riverside Family Help",
        "All services",
    ]
    assert fidelity.rows[-1][1].text == "2.8 (Often)"  # (3+3+3+2) / 4 for everyone
    assert "The mean reflection rating fell from 3.0 to 2.5." in text  # falling fidelity
    # Commissioners never see practitioners' words or team names.
    assert w.line_manager_staff.full_name not in text


def test_service_dashboard_for_a_commissioner_names_no_team(client, programme_world):
    w = programme_world
    _with_figures(w)
    client.force_login(w.commissioner)
    text = page_text(client.get(f"/dashboard/services/{w.service.pk}/"))
    assert "Team A" in text
    assert w.line_manager_staff.full_name not in text
    client.force_login(w.service_manager)
    text = page_text(client.get(f"/dashboard/services/{w.service.pk}/"))
    assert f"{w.line_manager_staff.full_name}'s team" in text


def test_outcome_and_fidelity_tables_export_with_their_suppression(client, programme_world):
    from reports.exports import _safe
    from tests import factories as f

    from .builders import add_outcomes_and_fidelity

    w = programme_world
    setup = _with_figures(w)
    third = f.ServiceFactory(name="Lakeside Family Help")
    f.ParticipationFactory(programme=w.programme, service=third)
    add_outcomes_and_fidelity(setup, third, 1)  # one person: hidden
    client.force_login(w.commissioner)
    dashboard = queries.programme_dashboard(w.commissioner, w.programme)
    for key in ("outcomes", "fidelity", "principles", "support_actions", "themes"):
        response = client.get(f"/dashboard/programmes/{w.programme.pk}/{key}.csv")
        assert response.status_code == 200, key
        lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        table = dashboard.table(key)
        assert lines[1] == table.columns
        rows = [[_safe(c) for c in row] for row in table.plain_rows()]
        assert lines[2 : 2 + len(rows)] == rows
    outcomes = list(
        csv.reader(
            io.StringIO(
                client.get(f"/dashboard/programmes/{w.programme.pk}/outcomes.csv").content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    lakeside = next(line for line in outcomes if line[1:2] == ["Lakeside Family Help"])
    # Lakeside's one pair is hidden, and Hillside (the next smallest) with it.
    hillside = next(line for line in outcomes if line[1:2] == ["Hillside Early Help"])
    assert (hillside[2], lakeside[2]) == ("Not shown [1]", "Not shown [2]")
    assert outcomes[-2:] == [
        [
            "[1] Not shown: another group's figures are hidden, and these would let them be "
            "worked out from the total."
        ],
        ["[2] Not shown: fewer than 2 matched pairs, so the people in it could be identified."],
    ]
    response = client.get(f"/dashboard/programmes/{w.programme.pk}/outcomes.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[2]] == dashboard.table("outcomes").columns


def test_a_service_manager_on_the_programme_dashboard_sees_their_services_figures_only(
    client, programme_world
):
    w = programme_world
    _with_figures(w)
    client.force_login(w.service_manager)
    response = client.get(f"/dashboard/programmes/{w.programme.pk}/")
    assert response.status_code == 200
    dashboard = response.context["dashboard"]
    assert {r[1].text for r in dashboard.table("outcomes").rows} == {
        "Your services",
        "Riverside Family Help",
    }
    assert [r[0].text for r in dashboard.table("fidelity").rows] == ["Riverside Family Help"]
    assert "Hillside Early Help" not in page_text(response)
