"""Managers' controls: the kill switch for link creation, with a reason and a confirm step; the reply
message agents copy to customers with the links."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ..context import context_of
from ..forms import MAX_REASON_LENGTH, LinkSwitchForm
from ..links import kill_switch, reply
from ..permissions import role_required
from ..roles import CHANGE_KILL_SWITCH, CHANGE_REPLY_TEMPLATE
from .request_types import ConsoleRequest


@login_required
@role_required(CHANGE_KILL_SWITCH)
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def link_controls(request: ConsoleRequest) -> HttpResponse:
    """GET: the switch with who, when and why. POST: the confirm step, then the switch (then GET)."""
    state = kill_switch.current()
    status = 200
    if request.method == "POST":
        form = LinkSwitchForm(request.POST)
        if not form.is_valid():
            status = 400
        elif form.cleaned_data["confirmed"]:
            enabled = form.cleaned_data["enabled"]
            kill_switch.set_link_creation(
                context=context_of(request), enabled=enabled, reason=form.cleaned_data["reason"]
            )
            messages.success(request, f"Link creation is switched {'on' if enabled else 'off'}.")
            return HttpResponseRedirect(reverse("sessions_app:link_controls"))
        else:
            context = {"state": state, "form": form, "enabled": form.cleaned_data["enabled"]}
            return render(request, "controls/confirm_switch.html", context)
    else:
        form = LinkSwitchForm(
            initial={"enabled": "on" if state.disabled_by == kill_switch.BY_MANAGER else "off"}
        )
    context = {"state": state, "form": form, "max_reason": MAX_REASON_LENGTH}
    return render(request, "controls/links.html", context, status=status)


@login_required
@role_required(CHANGE_REPLY_TEMPLATE)
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def message_controls(request: ConsoleRequest) -> HttpResponse:
    """GET: the message in use, its placeholders, a preview and the last changes.

    POST `action=preview` shows the typed text's preview without saving; `action=save` saves it
    (audited) and comes back with GET. A text with problems is shown again with them (400).
    """
    in_use = reply.current()
    text, problems, status = in_use.text, [], 200
    if request.method == "POST":
        text = reply.normalized(request.POST.get("text", ""))
        problems = reply.problems(text)
        if problems:
            status = 400
        elif request.POST.get("action") == "save":
            if text == in_use.text:
                messages.info(request, "Nothing changed: the message is already this text.")
            else:
                reply.change(context=context_of(request), text=text)
                messages.success(request, "The message is saved: agents copy it from now on.")
            return HttpResponseRedirect(reverse("sessions_app:message_controls"))
    agent_name = request.user.first_name or request.user.get_username()
    context = {
        "in_use": in_use,
        "text": text,
        "problems": problems,
        "preview": "" if problems else reply.preview(text, agent_name=agent_name),
        "previewing": request.method == "POST" and not problems,
        "placeholders": reply.PLACEHOLDERS,
        "max_length": reply.MAX_LENGTH,
        "history": reply.history(),
        "default_text": reply.DEFAULT_TEXT,
    }
    return render(request, "controls/message.html", context, status=status)
