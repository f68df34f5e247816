"""Reading the one-time links page as an agent does: its groups, their links and copy buttons, and
the message for the customer as the clipboard would get it (the textarea's text, unescaped)."""

import html
import re
from dataclasses import dataclass

_GROUP_RE = re.compile(r'<li class="portal-link link-group">(.*?)</ul>\s*</li>', re.S)
_HEADING_RE = re.compile(r'<h2 class="link-label" id="group-\d+">(.*?)</h2>', re.S)
_FACTS_RE = re.compile(r'<p class="group-facts">(.*?)</p>', re.S)
_NOTE_RE = re.compile(r'<p class="muted small group-note">(.*?)</p>', re.S)
_LINK_RE = re.compile(r'<a id="([^"]+)" href="([^"]+)"[^>]*>(.*?)</a>', re.S)
_COPY_LABEL_RE = re.compile(
    r'<button type="button" class="copy secondary" data-copy="[^"]+" aria-label="([^"]+)"'
)
_MESSAGE_RE = re.compile(r'<textarea id="reply-message"[^>]*>(.*?)</textarea>', re.S)
_TAG_RE = re.compile(r"<[^>]+>")


def _text(fragment: str) -> str:
    return " ".join(html.unescape(_TAG_RE.sub(" ", fragment)).split())


@dataclass(frozen=True)
class Group:
    heading: str
    facts: str  # amount, status and sub_ id
    note: str
    links: list[tuple[str, str]]  # (text, href)
    copy_labels: list[str]


def groups(page: str) -> list[Group]:
    found = []
    for block in _GROUP_RE.findall(page):
        heading = _HEADING_RE.search(block)
        facts = _FACTS_RE.search(block)
        note = _NOTE_RE.search(block)
        assert heading is not None
        assert facts is not None
        found.append(
            Group(
                heading=_text(heading.group(1)),
                facts=_text(facts.group(1)),
                note=_text(note.group(1)) if note else "",
                links=[(_text(text), html.unescape(href)) for _, href, text in _LINK_RE.findall(block)],
                copy_labels=[html.unescape(label) for label in _COPY_LABEL_RE.findall(block)],
            )
        )
    return found


def copy_labels(page: str) -> list[str]:
    """Every copy button's accessible name."""
    return [html.unescape(label) for label in _COPY_LABEL_RE.findall(page)]


def message(page: str) -> str:
    """The message for the customer as plain text (what "Copy message" puts on the clipboard)."""
    match = _MESSAGE_RE.search(page)
    assert match is not None, "no message on the page"
    return html.unescape(match.group(1))


def urls_in(text: str) -> list[str]:
    return re.findall(r"https?://\S+", text)
