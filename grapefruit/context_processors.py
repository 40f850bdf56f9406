from django.http import HttpRequest
from django.template.backends.utils import csrf_input
from django.utils.safestring import SafeString


def household(request: HttpRequest) -> dict[str, object]:
    return {
        "household": getattr(request, "household", None),
        "membership": getattr(request, "membership", None),
    }


def csrf_input_once(request: HttpRequest) -> dict[str, SafeString]:
    """For Jinja2 page content: the CSRF field, masked once per page.

    Django's Jinja2 backend masks the token anew at every {{ csrf_input }} (about 30 µs each); a cart of 30 lines
    with three forms each paid that 90 times. The template language's own processor masks it once per request."""
    return {"csrf_input": csrf_input(request)}
