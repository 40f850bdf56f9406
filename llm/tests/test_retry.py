import pytest

from llm.errors import LLMBadResponse, LLMRateLimited, LLMUnavailable
from llm.retry import call_with_retries, retry_after_seconds


class Script:
    """Raises the scripted errors in order, then returns "done"."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "done"


def test_transient_errors_are_retried_with_growing_waits():
    waits: list[float] = []
    script = Script(LLMUnavailable("500"), LLMUnavailable("502"))

    assert call_with_retries(script, max_retries=3, base_delay=1.0, sleep=waits.append) == "done"

    assert script.calls == 3
    assert 0.5 <= waits[0] <= 1.0 and 1.0 <= waits[1] <= 2.0


def test_retry_after_from_a_429_is_honoured_up_to_the_cap():
    waits: list[float] = []
    script = Script(LLMRateLimited("429", retry_after=3.0), LLMRateLimited("429", retry_after=60.0))

    call_with_retries(script, max_retries=2, base_delay=0.1, max_delay=8.0, sleep=waits.append)

    assert waits == [3.0, 8.0]


def test_gives_up_after_max_retries():
    script = Script(*[LLMUnavailable("down")] * 5)

    with pytest.raises(LLMUnavailable):
        call_with_retries(script, max_retries=2, sleep=lambda s: None)
    assert script.calls == 3


def test_bad_responses_are_not_retried():
    script = Script(LLMBadResponse("not json"))

    with pytest.raises(LLMBadResponse):
        call_with_retries(script, max_retries=3, sleep=lambda s: None)
    assert script.calls == 1


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"retry-after": "2"}, 2.0),
        ({"retry-after": "Wed, 21 Oct 2026 07:28:00 GMT"}, None),
        ({}, None),
        (None, None),
    ],
)
def test_retry_after_header_is_read_as_seconds_only(headers, seconds):
    assert retry_after_seconds(headers) == seconds
