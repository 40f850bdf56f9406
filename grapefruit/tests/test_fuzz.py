"""A bounded fuzz test: random and mutated receipt texts, uploads and form posts. Nothing may crash or answer 500.

Hypothesis draws a fixed number of examples per test (derandomized, so every run tries the same inputs and a
failure reproduces); the whole file stays well under a minute.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grapefruit.tests.site import household_ids, populate, routes
from ocr.documents import validate_upload
from ocr.errors import OcrError
from receipts.parsing import parse_receipt_text
from receipts.tests.documents import fixture_text

FIXTURES = [
    fixture_text(name) for name in ("corner_shop_1.txt", "parser_us_supermarket.txt", "parser_european.txt")
]
MAGIC = [b"\x89PNG\r\n\x1a\n", b"%PDF-1.4\n", b"\xff\xd8\xff\xe0", b"GIF89a", b""]
FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@st.composite
def mutated(draw, texts):
    """A real receipt with some characters replaced, inserted or deleted, or random text altogether."""
    text = draw(st.sampled_from(texts))
    for _ in range(draw(st.integers(0, 12))):
        at = draw(st.integers(0, max(len(text) - 1, 0)))
        piece = draw(st.text(max_size=6))
        cut = draw(st.integers(0, 3))
        text = text[:at] + piece + text[at + cut :]
    return text


receipt_texts = st.one_of(mutated(FIXTURES), st.text(max_size=400))


@FUZZ
@given(text=receipt_texts)
def test_the_parser_reads_any_text_without_crashing(text):
    parsed = parse_receipt_text(text)

    assert all(line.name for line in parsed.items)


@FUZZ
@given(head=st.sampled_from(MAGIC), body=st.binary(max_size=2048), name=st.text(max_size=30))
def test_any_upload_is_accepted_or_refused_with_a_reason(head, body, name):
    try:
        kind = validate_upload(head + body, name)
    except OcrError as error:
        assert str(error)
    else:
        assert kind in ("image", "pdf", "text")


@pytest.fixture
def fuzz_site(member_client, membership, isolated_rate_limits):
    isolated_rate_limits.UPLOAD_RATE_LIMIT = "100000/h"
    populate(membership)
    ids = household_ids(membership.household)
    return member_client, {model: min(pks) for model, pks in ids.items() if pks}


@FUZZ
@given(data=st.data())
def test_the_upload_page_answers_any_file_with_a_page_not_an_error(fuzz_site, data):
    client, _ = fuzz_site
    content = data.draw(
        st.one_of(st.sampled_from(MAGIC).map(lambda m: m + b"\x00" * 64), st.binary(max_size=512))
    )
    name = data.draw(st.text(max_size=40)) or "x"
    text = data.draw(receipt_texts)

    response = client.post(
        reverse("receipts:upload"), {"files": [SimpleUploadedFile(name[:100], content)], "text": text}
    )

    assert response.status_code in (200, 302, 400)


FORM_VALUES = st.one_of(
    st.text(max_size=30),
    st.integers(-(10**12), 10**12).map(str),
    st.sampled_from(["", "0", "-1", "1e9", "NaN", "on"]),
)


@FUZZ
@given(data=st.data())
def test_every_form_answers_random_posts_without_a_server_error(fuzz_site, data):
    client, ids = fuzz_site
    route = data.draw(st.sampled_from([r for r in routes() if not r.public and not r.str_params]))
    pk = data.draw(st.sampled_from(sorted(ids.values())))
    fields = data.draw(st.dictionaries(st.sampled_from(_field_names()), FORM_VALUES, max_size=8))

    response = client.post(route.url(**dict.fromkeys(route.int_params, pk)), fields)

    assert response.status_code < 500, (route.name, fields)


def _field_names():
    return [
        "name",
        "unit",
        "quantity",
        "amount",
        "category",
        "location",
        "best_before",
        "minimum",
        "lines",
        "text",
        "item",
        "vendor",
        "brand",
        "rank",
        "ticked",
        "next",
        "spoiled",
        "ran_out",
        "low_stock_days",
        "llm_opt_out",
        "apply",
        "apply_duplicate",
        "bought_on",
        "lines-TOTAL_FORMS",
        "lines-INITIAL_FORMS",
        "lines-0-name",
        "lines-0-quantity",
        "lines-0-action",
        "lines-0-item",
        "lines-0-id",
        "action",
        "member",
        "since",
    ]
