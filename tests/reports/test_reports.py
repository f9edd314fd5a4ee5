"""The programme commissioning report and the service report: produced as tagged PDFs
with the dashboard's figures, kept, and downloadable only by those who may see them."""

import re
import subprocess

from reports import queries
from reports.models import GeneratedReport
from reports.services import report_build
from tests import factories as f


def pdf_text(path) -> str:
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    return re.sub(r"\s+", " ", text)


def pdf_info(path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    return dict(line.split(":", 1) for line in out.stdout.splitlines() if ":" in line)


def produce(client, user, programme, **data):
    client.force_login(user)
    return client.post(f"/reports/programmes/{programme.pk}/new/", data)


def test_a_commissioner_gets_the_pdf_in_one_click(client, programme_world):
    w = programme_world
    response = produce(client, w.commissioner, w.programme)
    report = GeneratedReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/reports/{report.pk}/download/"
    download = client.get(response["Location"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert report.status == GeneratedReport.Status.READY
    assert report.requested_by == w.commissioner
    assert report.pages and report.seconds is not None


def test_the_pdf_is_tagged_titled_and_has_the_headings_and_the_dashboard_figures(
    client, programme_world
):
    w = programme_world
    produce(client, w.commissioner, w.programme)
    report = GeneratedReport.objects.get()
    info = pdf_info(report.file.path)
    assert info["Tagged"].strip() == "yes"
    assert info["Title"].strip() == f"Programme commissioning report: {w.programme.name}"
    assert 5 <= int(info["Pages"]) <= 20
    assert int(info["Pages"]) == report.pages
    fonts = subprocess.run(
        ["pdffonts", report.file.path], capture_output=True, check=True, text=True
    ).stdout
    assert "DejaVu-Sans" in fonts
    assert all(" yes " in line for line in fonts.splitlines()[2:])  # every font embedded

    text = pdf_text(report.file.path)
    for heading in (
        "Contents",
        "1. Executive summary",
        "2. Stage progress",
        "3. Champions and cohorts",
        "4. Standards compliance",
        "5. Outcomes",
        "6. Fidelity and support actions",
        "7. Workforce pressures from the agreements",
        "8. Risks and recommendations",
        "9. How the figures are worked out",
    ):
        assert heading in text
    assert "Page 2 of" in text  # running footer
    assert "Two vacancies in the duty team." in text
    # The figures equal the dashboard's for the same date: every cell of its tables.
    dashboard = queries.programme_dashboard(w.commissioner, w.programme, report.as_of)
    compliance = dashboard.table("compliance")
    for row in compliance.plain_rows():
        for cell in row[1:]:
            assert cell in text
    services = dashboard.table("services")
    for row in services.rows:
        for cell in row[:9]:
            assert cell.text in text


def test_the_contents_gives_page_numbers(client, programme_world):
    w = programme_world
    produce(client, w.commissioner, w.programme)
    text = pdf_text(GeneratedReport.objects.get().file.path)
    assert re.search(r"Executive summary[ .]*3\b", text)


def test_a_service_manager_may_not_produce_the_programme_report(client, programme_world):
    w = programme_world
    assert produce(client, w.service_manager, w.programme).status_code == 403
    assert produce(client, w.other_commissioner, w.programme).status_code == 404
    assert not GeneratedReport.objects.exists()


def test_reports_are_kept_and_only_those_who_may_see_them_download_them(client, programme_world):
    w = programme_world
    produce(client, w.commissioner, w.programme)
    report = GeneratedReport.objects.get()
    for outsider in (w.other_commissioner, w.service_manager, w.practitioner, w.nobody):
        client.force_login(outsider)
        assert client.get(f"/reports/{report.pk}/download/").status_code == 404
        assert client.get(f"/reports/{report.pk}/").status_code == 404
    client.force_login(w.commissioner)
    page = client.get(f"/dashboard/programmes/{w.programme.pk}/")
    assert f"/reports/{report.pk}/" in page.content.decode()
    assert client.get(f"/reports/{report.pk}/download/").status_code == 200


def test_a_service_manager_produces_their_service_report(client, programme_world):
    w = programme_world
    client.force_login(w.service_manager)
    response = client.post(f"/reports/services/{w.service.pk}/new/")
    report = GeneratedReport.objects.get()
    assert response["Location"] == f"/reports/{report.pk}/download/"
    text = pdf_text(report.file.path)
    assert f"Service report: {w.service.name}" in text
    assert f"Team of {w.line_manager_staff.full_name}" in text
    client.force_login(w.other_service_manager)
    assert client.post(f"/reports/services/{w.service.pk}/new/").status_code == 404


def test_a_large_programme_goes_to_a_worker_with_a_progress_page(
    client, programme_world, settings, django_capture_on_commit_callbacks
):
    """Eager Celery here; tests/reports/test_report_worker.py uses a real worker."""
    settings.REPORTS_BACKGROUND_STAFF = 0
    w = programme_world
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = produce(client, w.commissioner, w.programme)
    report = GeneratedReport.objects.get()
    assert response["Location"] == f"/reports/{report.pk}/"
    waiting = client.get(response["Location"])
    assert "being produced in the background" in waiting.content.decode()
    assert 'hx-trigger="every 2s"' in waiting.content.decode()
    for callback in callbacks:
        callback()  # the queued task runs eagerly
    report.refresh_from_db()
    assert report.status == GeneratedReport.Status.READY
    ready = client.get(f"/reports/{report.pk}/", headers={"HX-Request": "true"})
    assert f"/reports/{report.pk}/download/" in ready.content.decode()
    assert "hx-trigger" not in ready.content.decode()


def test_building_twice_does_nothing_the_second_time(programme_world):
    w = programme_world
    report = f.GeneratedReportFactory(programme=w.programme, requested_by=w.commissioner)
    assert report_build(report_id=report.pk).status == GeneratedReport.Status.READY
    assert report_build(report_id=report.pk) is None


def test_with_the_broker_down_the_page_answers_at_once_and_says_so(
    client, programme_world, settings, django_capture_on_commit_callbacks
):
    from config.celery import app

    settings.REPORTS_BACKGROUND_STAFF = 0
    previous = (app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_write_url)
    app.conf.task_always_eager = False
    # Nothing listens on port 1; a fresh connection pool so no open connection is reused.
    app.conf.broker_url = app.conf.broker_write_url = "redis://127.0.0.1:1/0"
    pool, app._pool = app._pool, None
    producers, app.amqp._producer_pool = app.amqp._producer_pool, None
    try:
        import time

        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = produce(client, programme_world.commissioner, programme_world.programme)
        elapsed = time.monotonic() - started
    finally:
        if app._pool is not None:
            app._pool.force_close_all()
        app._pool = pool
        app.amqp._producer_pool = producers
        app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_write_url = previous
    report = GeneratedReport.objects.get()
    assert report.status == GeneratedReport.Status.FAILED
    assert elapsed < 10
    page = client.get(response["Location"])
    assert "could not be reached" in page.content.decode()


def pdf_reading_text(path) -> str:
    """The PDF's text in reading order (a table cell's wrapped lines stay together)."""
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    return re.sub(r"\s+", " ", text)


def test_outcome_and_fidelity_figures_in_the_pdf_equal_the_dashboards(client, programme_world):
    from .builders import add_outcomes_and_fidelity, outcome_and_fidelity_setup

    w = programme_world  # threshold 2
    setup = outcome_and_fidelity_setup(w.programme)
    add_outcomes_and_fidelity(setup, w.service, 3, line_manager=w.line_manager_staff)
    add_outcomes_and_fidelity(setup, w.second_service, 1)  # one person: not shown
    produce(client, w.commissioner, w.programme)
    report = GeneratedReport.objects.get()
    text = pdf_reading_text(report.file.path)

    dashboard = queries.programme_dashboard(w.commissioner, w.programme, report.as_of)
    outcomes = dashboard.table("outcomes")
    assert outcomes.title in text
    rows = {r[1].text: r for r in outcomes.rows}
    assert rows["All services"][2].text == "100% (4 of 4)"
    # Hillside's one pair is hidden, so Riverside is too: else All services minus
    # Riverside would give Hillside away. The same reasons as the impact page.
    assert [rows[name][2].text for name in ("Riverside Family Help", "Hillside Early Help")] == [
        "Not shown",
        "Not shown",
    ]
    assert outcomes.notes == [
        "Not shown: fewer than 2 matched pairs, so the people in it could be identified.",
        "Not shown: another group's figures are hidden, and these would let them be worked "
        "out from the total.",
    ]
    fidelity = dashboard.table("fidelity")
    assert fidelity.rows[-1][0].text == "All services"
    for key in ("outcomes", "fidelity", "principles", "support_actions", "themes"):
        table = dashboard.table(key)
        assert table.rows, key
        for row in table.plain_rows():
            for cell in row:
                assert cell in text, (key, cell)
        for note in table.notes:
            assert note in text
    # The executive summary says the headline in words, with the same figures.
    total = dashboard.outcomes.measures[0].total
    assert (
        f"{total.completeness_text} of the people with a baseline have a matched pair; "
        f"{total.improved_text} reliably improved" in text
    )
    rating = fidelity.rows[-1][1].text
    assert f"the mean rating across the model's principles is {rating}" in text
    assert "Matched pairs: people with a score both" in text  # the method note
    assert "The mean reflection rating fell from 3.0 to 2.5." in text  # the risk rule


def test_the_service_report_has_the_services_outcomes_and_fidelity(client, programme_world):
    from .builders import add_outcomes_and_fidelity, outcome_and_fidelity_setup

    w = programme_world
    setup = outcome_and_fidelity_setup(w.programme)
    add_outcomes_and_fidelity(setup, w.service, 3, line_manager=w.line_manager_staff)
    client.force_login(w.service_manager)
    client.post(f"/reports/services/{w.service.pk}/new/")
    report = GeneratedReport.objects.get()
    text = pdf_reading_text(report.file.path)
    dashboard = queries.service_dashboard(w.service_manager, w.service, report.as_of)
    for key in ("outcomes", "fidelity", "principles", "support_actions"):
        for row in dashboard.table(key).plain_rows():
            for cell in row:
                assert cell in text, (key, cell)
    assert f"{w.line_manager_staff.full_name}'s team" in text  # the manager names teams


def test_each_rule_is_stated_once_with_everything_it_found_under_it(client, programme_world):
    from reports import rules

    w = programme_world
    produce(client, w.commissioner, w.programme)
    report = GeneratedReport.objects.get()
    text = pdf_text(report.file.path)
    section = text[text.rindex("8. Risks and recommendations") :]
    dashboard = queries.programme_dashboard(w.commissioner, w.programme, report.as_of)
    findings = rules.risks(dashboard) + rules.recommendations(dashboard)
    by_rule: dict[str, int] = {}
    for finding in findings:
        by_rule[finding.rule] = by_rule.get(finding.rule, 0) + 1
        assert f"{finding.about}: {finding.detail}" in section
    assert max(by_rule.values()) >= 2  # the world has a rule finding two services
    for rule_text in by_rule:
        assert section.count(rule_text) == 1
