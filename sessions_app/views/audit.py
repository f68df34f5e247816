"""Reviewing the audit log: the filtered list with its chart, one event, and the CSV export."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from .. import audit
from ..audit.chain import latest_result, save_result, verify_chain
from ..audit.chart import CHART_DEFAULT_DAYS, build_chart, chart_range, daily_counts
from ..audit.export import csv_chunks
from ..audit.review import (
    AuditFilterForm,
    actor_choices,
    can_see_all,
    errors_text,
    filtered_events,
    filters_for_details,
    keyset_page,
    matching_events,
    related_events,
    visible_events,
)
from ..context import context_of
from ..permissions import has_role_permission, role_required
from ..roles import EXPORT_AUDIT, VIEW_ALL_AUDIT, VIEW_AUDIT


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@login_required
@role_required(VIEW_AUDIT)
@require_GET
@vary_on_headers("HX-Request")
@never_cache
def audit_list(request: HtmxHttpRequest) -> HttpResponse:
    """The filtered events, newest first, 50 a page, with the daily chart; htmx gets the fragment.

    An invalid filter shows its error beside the field and no events (never the unfiltered list):
    400 for a page load, 200 for htmx, which would otherwise drop the answer and keep the old list.
    """
    form = AuditFilterForm(request.GET)
    context: dict[str, object] = {
        "form": form,
        "can_export": has_role_permission(request.user, EXPORT_AUDIT),
        "can_verify": can_see_all(request.user),
        "actors": actor_choices() if can_see_all(request.user) else [],
    }
    status = 200 if request.htmx else 400
    if form.is_valid():
        status = 200
        filters = form.filters()
        before = form.cleaned_data["before"]
        audit.record(
            action=audit.Action.AUDIT_VIEW,
            outcome=audit.Outcome.SUCCESS,
            context=context_of(request),
            details={"filters": filters_for_details(filters), "before": before},
        )
        visible = visible_events(request.user)
        start, end = chart_range(
            filters.get("from"), filters.get("to"), timezone.now().date(), CHART_DEFAULT_DAYS
        )
        query = request.GET.copy()
        query.pop("before", None)
        context.update(
            page=keyset_page(filtered_events(visible, filters), before=before),
            chart=build_chart(daily_counts(matching_events(visible, filters), start, end), start, end),
            filter_query=query.urlencode(),
            paged=before is not None,
        )
    template = "partials/_audit_body.html" if request.htmx else "audit/list.html"
    if not request.htmx:
        context["verification"] = latest_result()
    return render(request, template, context, status=status)


@login_required
@role_required(VIEW_AUDIT, VIEW_ALL_AUDIT)
@require_POST
@never_cache
def audit_verify(request: HttpRequest) -> HttpResponse:
    """Verify the chain from the latest anchor now (audited), and go back to the log."""
    report = verify_chain(since_anchor=True)
    save_result(report)
    audit.record(
        action=audit.Action.AUDIT_VERIFY,
        outcome=audit.Outcome.SUCCESS if report.ok else audit.Outcome.FAILURE,
        context=context_of(request),
        details={
            "from_seq": report.first_seq,
            "rows": report.rows,
            "head_seq": report.last_seq,
            "damages": len(report.damages),
        },
    )
    if report.ok:
        messages.success(
            request, f"Chain intact: {report.rows} new row(s) checked up to seq {report.last_seq}."
        )
    else:
        messages.error(request, f"Chain broken: {report.problem[:300]}")
    return redirect("sessions_app:audit_list")


@login_required
@role_required(VIEW_AUDIT)
@require_GET
@never_cache
def audit_detail(request: HttpRequest, seq: int) -> HttpResponse:
    """Every field of one event and the other events of the same portal-session attempt."""
    visible = visible_events(request.user)
    event = get_object_or_404(visible, seq=seq)
    audit.record(
        action=audit.Action.AUDIT_VIEW,
        outcome=audit.Outcome.SUCCESS,
        context=context_of(request),
        details={"seq": seq},
    )
    context = {
        "event": event,
        "details": json.dumps(event.details, indent=2, sort_keys=True, ensure_ascii=False),
        "related": related_events(event, visible),
    }
    return render(request, "audit/detail.html", context)


@login_required
@role_required(VIEW_AUDIT, EXPORT_AUDIT)
@require_GET
@never_cache
def audit_export(request: HttpRequest) -> HttpResponseBase:
    """The filtered events as streamed CSV; the export is audited before the first byte goes out."""
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        return HttpResponse(
            f"Bad filters: {errors_text(form)}\n", status=400, content_type="text/plain; charset=utf-8"
        )
    # The export keeps audit.view rows (the page hides them by default): it is the record.
    filters = form.filters()
    events = filtered_events(visible_events(request.user), {**filters, "views": True})
    audit.record(
        action=audit.Action.AUDIT_EXPORT,
        outcome=audit.Outcome.SUCCESS,
        context=context_of(request),
        details={"filters": filters_for_details(filters)},
    )
    response = StreamingHttpResponse(csv_chunks(events), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{timezone.now():%Y%m%d-%H%M%S}.csv"'
    return response
