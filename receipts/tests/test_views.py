import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from inventory.models import Item
from receipts.models import Receipt
from receipts.tests.documents import fixture_text, receipt_pdf, receipt_png
from receipts.tests.helpers import make_item, processed_fixture, review_post, upload_text

pytestmark = pytest.mark.django_db


def _file(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_upload_of_pasted_text_returns_at_once_with_a_queued_receipt(member_client, household):
    response = member_client.post(reverse("receipts:upload"), {"text": fixture_text("corner_shop_1.txt")})
    receipt = Receipt.objects.get(household=household)
    assert response.status_code == 302
    assert response["Location"] == reverse("receipts:detail", args=[receipt.pk])
    assert receipt.status == Receipt.Status.QUEUED
    page = member_client.get(response["Location"])
    assert b'hx-trigger="every 2s"' in page.content  # the status polls while the worker runs


def test_upload_of_several_files_at_once_makes_one_receipt_each(member_client, household):
    text = fixture_text("corner_shop_1.txt")
    files = [_file("a.png", receipt_png(text)), _file("b.pdf", receipt_pdf(text, pages=1))]
    response = member_client.post(reverse("receipts:upload"), {"files": files})
    assert response.status_code == 302
    assert response["Location"] == reverse("receipts:inbox")
    assert sorted(Receipt.objects.filter(household=household).values_list("kind", flat=True)) == [
        "image",
        "pdf",
    ]


def _huge_png() -> bytes:
    """A small file claiming many pixels (a decompression bomb in miniature): 8000×8000 of white compresses well."""
    buffer = io.BytesIO()
    Image.new("1", (8000, 8000), 1).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "make_data", "message"),
    [
        ("empty.jpg", lambda: b"", "The submitted file is empty"),
        ("virus.exe", lambda: b"MZ\x90\x00" + b"\x00\xff" * 200, "not supported"),
        ("broken.jpg", lambda: b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + b"\x13" * 100, "damaged"),
        ("bomb.png", _huge_png, "the limit is 20 million pixels"),
        (
            "long.pdf",
            lambda: receipt_pdf("A RECEIPT\nMILK 1.00", pages=3),
            "The PDF has 3 pages; the limit is 2.",
        ),
        ("big.png", lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 3000, "larger than"),
    ],
)
def test_bad_uploads_end_as_a_clear_form_error_and_store_nothing(
    member_client, household, settings, name, make_data, message
):
    settings.OCR_MAX_PIXELS = 20_000_000
    settings.OCR_MAX_PDF_PAGES = 2
    if name == "big.png":
        settings.OCR_MAX_UPLOAD_BYTES = 2048
    response = member_client.post(reverse("receipts:upload"), {"files": [_file(name, make_data())]})
    assert response.status_code == 400
    assert message.lower() in response.content.decode().lower()
    assert not Receipt.objects.exists()


def test_upload_with_nothing_chosen_asks_for_a_file_or_text(member_client):
    response = member_client.post(reverse("receipts:upload"), {"text": "   "})
    assert response.status_code == 400
    assert b"Choose at least one file or paste the receipt text." in response.content


def test_upload_is_rate_limited(member_client, shipped_rate_limits):
    shipped_rate_limits.UPLOAD_RATE_LIMIT = "2/m"  # the clock is held: the minute cannot roll over mid-test
    statuses = [
        member_client.post(
            reverse("receipts:upload"), {"text": f"SHOP\nMILK {n}.00\nTOTAL {n}.00"}
        ).status_code
        for n in range(1, 4)
    ]
    assert statuses == [302, 302, 429]


def test_inbox_lists_the_households_receipts_in_a_fixed_number_of_queries(
    member_client, user, household, other_household, django_assert_max_num_queries
):
    for _ in range(3):
        processed_fixture(user=user, household=household, name="corner_shop_1.txt")
    upload_text(user=None, household=other_household, text="OTHER SHOP\nCAVIAR 99.00")
    with django_assert_max_num_queries(8):
        response = member_client.get(reverse("receipts:inbox"))
    assert response.status_code == 200
    assert response.content.count(b'data-testid="receipt-row"') == 3
    assert b"CORNER GROCER" in response.content
    assert b"possible duplicate" in response.content


def test_another_households_receipt_is_a_404_on_every_page(member_client, other_household):
    theirs = upload_text(user=None, household=other_household, text=fixture_text("corner_shop_1.txt"))
    for name, method in [("detail", "get"), ("status", "get"), ("review", "post"), ("retry", "post")]:
        response = getattr(member_client, method)(reverse(f"receipts:{name}", args=[theirs.pk]))
        assert response.status_code == 404, name


def test_failed_receipt_shows_its_reason_and_a_retry_button(member_client, user, household):
    receipt = processed_fixture(user=user, household=household, name="corner_shop_1.txt")
    Receipt.objects.filter(pk=receipt.pk).update(
        status=Receipt.Status.FAILED, failure_reason="No text was found."
    )
    page = member_client.get(reverse("receipts:detail", args=[receipt.pk]))
    assert b"No text was found." in page.content
    assert b'data-testid="retry"' in page.content
    response = member_client.post(reverse("receipts:retry", args=[receipt.pk]))
    assert response.status_code == 302
    receipt.refresh_from_db()
    assert receipt.status == Receipt.Status.QUEUED


def test_review_page_corrects_a_match_and_applies_to_inventory(member_client, user, household):
    fusilli = make_item(user=user, household=household, name="Fusilli pasta")
    receipt = processed_fixture(user=user, household=household, name="corner_shop_1.txt")
    page = member_client.get(reverse("receipts:detail", args=[receipt.pk]))
    assert b"Lines add up to <strong>11.08</strong>" in page.content
    assert b"matches" in page.content
    assert b"This receipt is dated 2 Mar 2025, more than a week ago." in page.content
    data = review_post(page.context, line1={"action": "add_existing", "item": "fusilli  PASTA"})
    data["apply"] = "1"
    unanswered = member_client.post(reverse("receipts:review", args=[receipt.pk]), data)
    assert unanswered.status_code == 400
    assert b"Say whether its items were bought on that date or today" in unanswered.content
    data["bought_on"] = "receipt_date"
    response = member_client.post(reverse("receipts:review", args=[receipt.pk]), data)
    assert response.status_code == 302
    receipt.refresh_from_db()
    fusilli.refresh_from_db()
    assert receipt.status == Receipt.Status.APPLIED
    assert fusilli.quantity == 1
    assert Item.objects.filter(household=household).count() == 4


def test_review_with_a_bad_value_shows_the_error_and_changes_nothing(member_client, user, household):
    receipt = processed_fixture(user=user, household=household, name="corner_shop_1.txt")
    page = member_client.get(reverse("receipts:detail", args=[receipt.pk]))
    data = review_post(page.context, line2={"quantity": "-1"}, line3={"action": "add_existing", "item": ""})
    data["apply"] = "1"
    response = member_client.post(reverse("receipts:review", args=[receipt.pk]), data)
    assert response.status_code == 400
    assert b"Choose the item to add this line to." in response.content
    receipt.refresh_from_db()
    assert receipt.status == Receipt.Status.NEEDS_REVIEW
    assert not Item.objects.exists()
