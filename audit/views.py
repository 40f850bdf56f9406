"""The household's audit log: filters, pages of sentences, and the same as CSV. Household-scoped throughout."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any, NamedTuple

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone

from audit import selectors
from audit.forms import AuditFilterForm
from audit.selectors import LogEntry
from audit.wording import Row, sentences
from grapefruit.dates import Moments
from grapefruit.pages import render_page

PAGE_SIZE = 50
CSV_CHUNK = 500
# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _filter_form(request: HttpRequest, facts: selectors.LogFacts) -> AuditFilterForm:
    return AuditFilterForm(request.GET or None, areas=facts.areas, actors=facts.actors)


class PageRow(NamedTuple):
    """A row of the log page, every cell already text."""

    event: LogEntry
    member: str
    sentence: str
    when: str  # in the active time zone, in the site's style: "today 08:05", "Sat 28 Nov 08:05"
    when_iso: str


def audit_log(request: HttpRequest) -> HttpResponse:
    household = request.household  # type: ignore[attr-defined]
    facts = selectors.audit_log_facts(household=household)
    form = _filter_form(request, facts)
    log = selectors.audit_log_page(
        household=household, filters=form.filters(), raw_number=request.GET.get("page"), size=PAGE_SIZE
    )
    rows = sentences(log.object_list, household=household, actors=facts.actors_by_id, members=facts.members)
    moments = Moments(timezone.now())
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "household": household,
        "form": form,
        "rows": [_page_row(row, moments) for row in rows],
        "log": log,
        "filtered": bool(request.GET),
        "query": query.urlencode(),
        "export_query": request.GET.urlencode(),
    }
    return render_page(request, "audit/log.html", context, title="Audit log")


def _page_row(row: Row, moments: Moments) -> PageRow:
    at = row.event.created_at
    return PageRow(row.event, row.member, row.sentence, moments.label(at), moments.iso(at))


def audit_export(request: HttpRequest) -> StreamingHttpResponse:
    """Every event the filters select, oldest last, as CSV; streamed, so a long log never sits in memory."""
    household = request.household  # type: ignore[attr-defined]
    facts = selectors.audit_log_facts(household=household)
    events = selectors.audit_entries_for_household(
        household=household, filters=_filter_form(request, facts).filters()
    )
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in _csv_rows(events, household, facts)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="audit-{timezone.localdate():%Y-%m-%d}.csv"'
    return response


def _csv_rows(events: Any, household: Any, facts: selectors.LogFacts) -> Iterator[list[str]]:
    yield ["time", "member", "what happened", "action", "outcome"]
    paginator = Paginator(events, CSV_CHUNK)
    actors = facts.actors_by_id
    for number in paginator.page_range:
        entries = selectors.log_entries(paginator.page(number).object_list)
        for row in sentences(entries, household=household, actors=actors, members=facts.members):
            when = timezone.localtime(row.event.created_at).isoformat(timespec="seconds")
            cells = [when, row.member, row.sentence, row.event.action, row.event.outcome]
            yield [_safe_cell(cell) for cell in cells]


def _safe_cell(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


class _Echo:
    def write(self, value: str) -> str:
        return value
