"""The type of what Django's test client returns: the view's response, with `content`, `context`,
`json()` and the rest the client adds. django-stubs names it privately and only for the checker."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as ClientResponse
else:
    from django.http import HttpResponseBase as ClientResponse

__all__ = ["ClientResponse"]
