"""Why a link creation was refused: one exception family, mapped to responses in one place.

Each refusal carries `code` (for the audit log), `status` (for HTTP) and `message` (for the
agent). The link service raises them after it has audited the refusal.
"""

from collections.abc import Sequence

from .limits import LimitResult


class LinkRefusal(Exception):
    """A rule said no; nothing was asked of Paddle for it."""

    code = "refused"
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(LinkRefusal):
    """The submission did not validate; `problems` are the form's messages."""

    code = "invalid_input"

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = list(problems)


class ConfirmationRefused(LinkRefusal):
    """The confirmation token is bad, expired, someone else's, for other ticks, or spent."""

    def __init__(self, message: str, *, code: str, status: int) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


class ForeignSubscription(LinkRefusal):
    code = "foreign_subscription"

    def __init__(self) -> None:
        super().__init__("A ticked subscription does not belong to this customer. Nothing was created.")


class LinksSwitchedOff(LinkRefusal):
    """The kill switch is on; `disabled_by` says whether the setting or a manager threw it."""

    code = "disabled"
    status = 503

    def __init__(self, disabled_by: str) -> None:
        super().__init__("Link creation is switched off.")
        self.disabled_by = disabled_by


class StepUpRequired(LinkRefusal):
    """The last proof of identity is too old and no fresh one was given; `errors` say why."""

    code = "step_up_required"
    status = 403

    def __init__(self, errors: Sequence[str]) -> None:
        super().__init__(" ".join(errors))
        self.errors = list(errors)


class RateLimited(LinkRefusal):
    code = "rate_limited"
    status = 429

    def __init__(self, limit: LimitResult, *, may_ask: bool = False) -> None:
        super().__init__(f"You have created this {limit.window}'s {limit.limit} portal sessions.")
        self.limit = limit
        self.may_ask = may_ask  # the approval policy lets the agent ask a manager instead


class NotRecorded(LinkRefusal):
    """The audit log refused a row: no links are shown; `links_created` says whether Paddle made some."""

    code = "not_recorded"
    status = 503

    def __init__(self, *, links_created: bool) -> None:
        super().__init__("The audit log could not be written.")
        self.links_created = links_created


class DependencyDown(LinkRefusal):
    """One of the console's own services is down, so the rules cannot be applied: fail closed.

    `service` names it ("cache"); nothing was created, the confirmation is unspent, and the same
    submission may be sent again once the service is back.
    """

    status = 503

    def __init__(self, service: str) -> None:
        super().__init__(
            f"The console's {service} service is unavailable, so no link was created. "
            "Nothing was spent: try again in a moment."
        )
        self.service = service
        self.code = f"{service}_unavailable"


class RequesterMismatch(LinkRefusal):
    """Links to be shown to the agent, but the requester is not the email on file: only email delivery."""

    code = "requester_mismatch"
    status = 403

    def __init__(self) -> None:
        super().__init__(
            "The requester's email does not match the email on file, so the links cannot be shown to you. "
            "Email them to the address on file instead. Nothing was created."
        )


class EmailOnFileUnusable(LinkRefusal):
    """Email delivery was chosen but the customer's email on file is empty or malformed."""

    code = "email_on_file_unusable"
    status = 409

    def __init__(self) -> None:
        super().__init__(
            "The customer's email on file is empty or not a valid address, so nothing can be emailed. "
            "Nothing was created; have the customer's email corrected in Paddle first."
        )


class EmailNotSent(LinkRefusal):
    """The SMTP server did not take the email; its token was invalidated, so a retry sends a fresh one."""

    code = "email_not_sent"
    status = 503

    def __init__(self, error_class: str) -> None:
        super().__init__(
            "The email could not be sent (the mail server did not answer in time or refused it). "
            "Nothing usable was sent; submit again to send a fresh one."
        )
        self.error_class = error_class


class LinkNoLongerWorks(LinkRefusal):
    """An emailed link that is used, expired, unknown or malformed: the customer is not told which."""

    code = "redemption_invalid"
    status = 410

    def __init__(self) -> None:
        super().__init__("This link no longer works. Please ask support again.")


class RedemptionRateLimited(LinkRefusal):
    """Too many redemption attempts from one address."""

    code = "redemption_rate_limited"
    status = 429

    def __init__(self) -> None:
        super().__init__("Too many attempts from your network. Please wait a minute and try again.")


class ApprovalRequired(LinkRefusal):
    """A rule of the approval policy applies (links/approvals.py): a manager must approve first.

    `rules` are the rule codes; nothing was created and the confirmation is unspent, so the same
    submission can be sent to the approval request instead.
    """

    code = "approval_required"
    status = 403

    def __init__(self, rules: Sequence[str]) -> None:
        super().__init__(
            "A manager must approve this request before any link is created. Nothing was created."
        )
        self.rules = list(rules)


class ApprovalRefused(LinkRefusal):
    """An approval request cannot be asked, decided, withdrawn or completed as submitted.

    `code` says why (for the audit log), `status` is 403 (not yours to decide), 404 (no such
    request for you), 409 (not in the state the action needs) or 410 (its window passed);
    `ask_again` is True when the agent may start a new request for the same customer.
    """

    def __init__(self, message: str, *, code: str, status: int, ask_again: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
        self.ask_again = ask_again
