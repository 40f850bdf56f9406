from django.http import HttpRequest


def household(request: HttpRequest) -> dict[str, object]:
    return {
        "household": getattr(request, "household", None),
        "membership": getattr(request, "membership", None),
    }
