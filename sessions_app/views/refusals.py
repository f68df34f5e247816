"""The one place where a refused link creation becomes a response.

A confirm page's submission that a retry can mend (bad input, an expired or spent confirmation,
a lapsed or wrong password, a limit, the requester check, an unsent email, a manager's approval
required, the cache down, a Paddle failure) goes back to the confirm page (`back_to_confirm`): a
303 to its GET with the agent's work, the problem in a banner. Refusals no retry can mend keep
their own page (`refusal_response`).
"""

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from ..context import context_of
from ..forms import MAX_REASON_LENGTH, error_messages
from ..links import approvals, kill_switch, service
from ..links.refusals import (
    ApprovalRequired,
    ConfirmationRefused,
    DependencyDown,
    EmailNotSent,
    EmailOnFileUnusable,
    InvalidInput,
    LinkRefusal,
    LinksSwitchedOff,
    NotRecorded,
    RateLimited,
    RequesterMismatch,
    StepUpRequired,
)
from ..links.requester import MAX_EMAIL_LENGTH
from ..paddle.errors import PaddleError
from .errors import describe

# What a 503 for one of our own services suggests: about a Redis restart or failover.
RETRY_AFTER_SECONDS = 10


def refusal_response(request: HttpRequest, customer_id: str, refusal: LinkRefusal) -> HttpResponse:
    """The page explaining `refusal`, with its status (and Retry-After for a limit)."""
    context: dict[str, object] = {"customer_id": customer_id}
    if isinstance(refusal, LinksSwitchedOff):
        template = "portal/kill_switch_on.html"
        context.update(disabled_by=refusal.disabled_by, switch=kill_switch.current())
    elif isinstance(refusal, StepUpRequired):
        # Only approval completion ends here; the confirm page's submissions go back to it.
        template = "portal/step_up_refused.html"
        context.update(errors=refusal.errors, minutes=settings.STEP_UP_MINUTES)
    elif isinstance(refusal, RateLimited):
        # Only approval completion ends here (may_ask is False there); the confirm page's own
        # submissions go back to it (`submission_refused`), with the "ask a manager" button.
        template = "portal/rate_limited.html"
        limit = refusal.limit
        context.update(window=limit.window, limit=limit.limit, resets_at=limit.resets_at)
    elif isinstance(refusal, DependencyDown):
        # Only approval completion ends here; the confirm page's submissions go back to it.
        template = "portal/dependency_down.html"
        context.update(message=refusal.message)
    elif isinstance(refusal, NotRecorded):
        template = "portal/not_recorded.html"
        context["links_created"] = refusal.links_created
    else:
        template = "portal/refused.html"
        context["problems"] = refusal.problems if isinstance(refusal, InvalidInput) else [refusal.message]
    response = render(request, template, context, status=refusal.status)
    if isinstance(refusal, RateLimited):
        response["Retry-After"] = str(refusal.limit.retry_after())
    elif isinstance(refusal, DependencyDown):
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def confirm_url(
    customer_id: str,
    subscription_ids: Sequence[str],
    *,
    requester_email: str = "",
    ticket: str = "",
    delivery: str = "",
) -> str:
    """The confirm page as a GET with these ticks (and the reason, requester and delivery if given):
    where the customer page's ticks, a step-up at the identity provider and a refused submission
    come back to."""
    path = reverse("sessions_app:portal_session_confirm", args=[customer_id])
    fields = [("subscription_ids", s) for s in subscription_ids]
    fields += [
        (name, value)
        for name, value in (("requester_email", requester_email), ("ticket", ticket), ("delivery", delivery))
        if value
    ]
    return f"{path}?{urlencode(fields)}" if fields else path


# Where the banner waits for the confirm page's GET. Why the session and not the URL: the banner's
# words are the server's, and a URL would let anyone craft a convincing "problem" for an agent to
# read on a console page. Why the work (ticks, reason, requester, delivery) rides in the URL
# instead: it is what the helpdesk link and the step-up return already carry, a reload or a second
# tab keeps it, and none of it is a credential (a portal link never goes in either).
BANNER_SESSION_KEY = "confirm_banner"

# A confirm-page submission refused for one of these is sent back to the confirm page to mend.
_MENDABLE = (
    InvalidInput,
    ConfirmationRefused,
    StepUpRequired,
    RateLimited,
    RequesterMismatch,
    EmailOnFileUnusable,
    EmailNotSent,
    DependencyDown,
    ApprovalRequired,
)
_KEPT = "Nothing was created. Your ticks, reason and requester are kept below"
_TITLES: dict[type[LinkRefusal], str] = {
    RequesterMismatch: "The requester does not match",
    EmailOnFileUnusable: "No usable email on file",
    EmailNotSent: "The email was not sent",
}


@dataclass(frozen=True)
class Banner:
    """The problem a confirm page shows above its form after a refused submission.

    `code` and `request_id` are Paddle's (a details line for support); empty for our own refusals.
    `rules` are why a manager must approve (in words); with `ask_approval` the confirm page offers
    to send the submission as it was (its ticks, reason, requester and delivery) to a manager.
    """

    customer_id: str
    title: str
    messages: list[str]
    code: str = ""
    request_id: str = ""
    rules: list[str] = field(default_factory=list)
    ask_approval: bool = False

    @classmethod
    def of(cls, customer_id: str, problem: LinkRefusal | PaddleError) -> "Banner":
        if isinstance(problem, PaddleError):
            described = describe(problem)
            return cls(
                customer_id,
                described.title,
                [
                    described.message,
                    "No links were shown. Your ticks, reason and requester are kept below with a new "
                    "confirmation: submit again to retry.",
                ],
                code=described.code,
                request_id=described.request_id,
            )
        again = f"{_KEPT}: check them and submit again."
        if isinstance(problem, InvalidInput):
            return cls(customer_id, "Check the form", [*problem.problems, again])
        if isinstance(problem, StepUpRequired):
            return cls(customer_id, "Password needed", [*problem.errors, again])
        if isinstance(problem, DependencyDown):
            return cls(
                customer_id,
                f"The console's {problem.service} is down",
                [
                    f"The console's {problem.service} service is unavailable, so no link was created "
                    "and Paddle was not contacted.",
                    f"{_KEPT} with a new confirmation: submit again in a moment.",
                ],
            )
        if isinstance(problem, ApprovalRequired):
            return cls(
                customer_id,
                "A manager must approve this first",
                [
                    "Nothing was created. This request needs a second person because:",
                    "Ask a manager to approve it as you submitted it (the button below the reasons), "
                    "or change it in the form below and submit again.",
                ],
                rules=approvals.labels(problem.rules),
                ask_approval=True,
            )
        if isinstance(problem, RateLimited):
            limit = problem.limit
            when = "today (UTC)" if limit.window == "day" else "this hour"
            resets = limit.resets_at.astimezone(UTC).strftime("%H:%M")
            lines = [
                f"You have created {limit.limit} portal session{'s' if limit.limit != 1 else ''} {when}: "
                f"the most one agent may create per {limit.window}.",
                f"{_KEPT}; you can create links again from {resets} UTC.",
            ]
            if problem.may_ask:
                lines.append("If the customer needs the links now, ask a manager to approve it below.")
            return cls(customer_id, "Link limit reached", lines)
        if isinstance(problem, ConfirmationRefused) and problem.code == "confirmation_spent":
            return cls(
                customer_id,
                "This confirmation was already used",
                [
                    "It was used already (a second click or a reload), so nothing new was created: "
                    "the link attempts below show what its first use did.",
                    "If the customer still needs links, check the form below and submit it again.",
                ],
            )
        renewed = f"{_KEPT} with a new confirmation: submit again."
        if isinstance(problem, ConfirmationRefused):
            expired = problem.code == "confirmation_expired"
            title = "Confirmation expired" if expired else "This confirmation cannot be used"
            return cls(customer_id, title, [problem.message, renewed])
        # The requester check or the email: the message says what to change (and that nothing was).
        kept = "Your ticks, reason and requester are kept below with a new confirmation."
        return cls(customer_id, _TITLES.get(type(problem), "Nothing was created"), [problem.message, kept])


def back_to_confirm(
    request: HttpRequest, customer_id: str, problem: LinkRefusal | PaddleError, *, work: Mapping[str, Any]
) -> HttpResponse:
    """A 303 to the confirm page's GET with the agent's `work` (a submission's fields) and the problem
    in a banner; rendering it issues a fresh confirmation token."""
    session: SessionBase = request.session
    session[BANNER_SESSION_KEY] = asdict(Banner.of(customer_id, problem))
    url = confirm_url(
        customer_id,
        list(work.get("subscription_ids", [])),
        requester_email=str(work.get("requester_email", ""))[: MAX_EMAIL_LENGTH + 1],
        ticket=_printable(str(work.get("reason", "")))[:MAX_REASON_LENGTH],
        delivery=str(work.get("delivery", "")),
    )
    return HttpResponseRedirect(url, status=303)


def submission_refused(
    request: HttpRequest, customer_id: str, problem: LinkRefusal | PaddleError, *, work: Mapping[str, Any]
) -> HttpResponse:
    """A confirm page's submission ended in `problem`: back to the confirm page if a retry can mend
    it, else the refusal's own page (kill switch, foreign subscription, audit log down, approval)."""
    if isinstance(problem, (PaddleError, *_MENDABLE)):
        return back_to_confirm(request, customer_id, problem, work=work)
    return refusal_response(request, customer_id, problem)


def invalid_submission(request: HttpRequest, customer_id: str, form: Form) -> HttpResponse:
    """A confirm page's submission that did not validate: audited (nothing of it recorded), then
    back to the confirm page with the work kept, or, for tampered ticks, the refusal's own page
    (there is no confirm page to go back to)."""
    refusal = service.refuse_invalid_input(
        context=context_of(request), customer_id=customer_id, problems=error_messages(form)
    )
    if "subscription_ids" in form.errors:
        return refusal_response(request, customer_id, refusal)
    return back_to_confirm(request, customer_id, refusal, work=submitted_work(request, form))


def submitted_work(request: HttpRequest, form: Form) -> dict[str, object]:
    """What the agent did on the confirm page (`form` is its submission, validated), to keep."""
    return {
        "subscription_ids": form.cleaned_data.get("subscription_ids", []),
        "reason": request.POST.get("reason", ""),
        "requester_email": request.POST.get("requester_email", ""),
        "delivery": request.POST.get("delivery", ""),
    }


def take_banner(request: HttpRequest, customer_id: str) -> Banner | None:
    """The banner waiting for this customer's confirm page, if any; shown once."""
    session: SessionBase = request.session
    data = session.pop(BANNER_SESSION_KEY, None)
    if not isinstance(data, dict) or data.get("customer_id") != customer_id:
        return None
    try:
        return Banner(**data)
    except TypeError:  # a session written by another version of the console
        return None


def _printable(text: str) -> str:
    """`text` without control characters (the form refused them; the banner said so)."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cc").strip()
