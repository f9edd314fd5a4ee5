"""Turning a report's figures into a PDF with WeasyPrint.

The HTML is ordinary Django templates (reports/templates/reports/document.html and a
template per section); the print layout — page size, running headers and footers,
contents page numbers, repeated table headers, rows kept whole — is CSS in
static/css/report.css. The PDF is tagged (PDF/UA-1), so screen readers can follow its
headings and tables, and its fonts (DejaVu Sans, from Debian's fonts-dejavu-core) are
embedded.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from .sections import ReportData, Section

PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_tags": True}


@dataclass(frozen=True)
class RenderedSection:
    section: Section
    html: str


@dataclass(frozen=True)
class Pdf:
    content: bytes
    pages: int


def report_title(data: ReportData) -> str:
    dashboard = data.dashboard
    if dashboard.level == "programme":
        return f"Programme commissioning report: {dashboard.name}"
    return f"Service report: {dashboard.name}"


def report_html(data: ReportData, sections: list[Section]) -> str:
    rendered = []
    numbers = {section.slug: number for number, section in enumerate(sections, start=1)}
    for number, section in enumerate(sections, start=1):
        context = {
            "data": data,
            "number": number,
            "numbers": numbers,
            "section": section,
            **section.context(data),
        }
        rendered.append(RenderedSection(section, render_to_string(section.template, context)))
    return render_to_string(
        "reports/document.html",
        {"data": data, "title": report_title(data), "sections": rendered},
    )


def render_pdf(html: str) -> Pdf:
    # Imported here: WeasyPrint loads Pango, which pages that never print need not pay for.
    from weasyprint import CSS, HTML

    stylesheet = finders.find("css/report.css")
    document = HTML(string=html, base_url=".").render(
        stylesheets=[CSS(filename=stylesheet)], **PDF_OPTIONS
    )
    return Pdf(content=document.write_pdf(**PDF_OPTIONS), pages=len(document.pages))
