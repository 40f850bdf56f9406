"""Reversed URLs remembered per process: the same answers as reverse(), and forgotten with the URL configuration."""

from django.urls import path, reverse, set_script_prefix

from grapefruit.urlbuilders import cached_reverse, id_url


def test_cached_reverse_answers_as_reverse_does():
    assert cached_reverse("inventory:dashboard") == reverse("inventory:dashboard")
    assert cached_reverse("inventory:item_detail", item_id=7) == reverse("inventory:item_detail", args=[7])
    assert cached_reverse("inventory:item_detail", 8) == reverse("inventory:item_detail", args=[8])
    assert id_url("inventory:item_detail", "item_id")(9) == reverse("inventory:item_detail", args=[9])


def test_a_new_script_prefix_gives_new_urls():
    plain = cached_reverse("inventory:dashboard")
    try:
        set_script_prefix("/grapefruit/")
        assert cached_reverse("inventory:dashboard") == "/grapefruit" + plain
    finally:
        set_script_prefix("/")
    assert cached_reverse("inventory:dashboard") == plain


def _view(request):  # pragma: no cover - never called
    raise AssertionError


class OtherUrls:
    urlpatterns = [path("elsewhere/", _view, name="probe")]


class MoreUrls:
    urlpatterns = [path("moved/", _view, name="probe")]


def test_a_new_url_configuration_is_not_answered_from_memory(settings):
    settings.ROOT_URLCONF = OtherUrls
    assert cached_reverse("probe") == "/elsewhere/"
    settings.ROOT_URLCONF = MoreUrls
    assert cached_reverse("probe") == "/moved/"
