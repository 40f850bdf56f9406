from decimal import Decimal

import pytest
from django.conf import settings

from audit.models import AuditEvent
from inventory.models import Item, StockEvent
from receipts import services
from receipts.models import Receipt, ReceiptLine, StoreAlias
from receipts.tests.documents import blank_png, fixture_text, receipt_png
from receipts.tests.helpers import (
    line_edit,
    line_named,
    make_item,
    process,
    processed_fixture,
    upload_text,
)

pytestmark = pytest.mark.django_db

# The fixture receipts are from 2025: applying them says their date is right.
BOUGHT_ON_RECEIPT_DATE = services.BoughtOn.RECEIPT_DATE
# A receipt (a store, a date, a labelled total) whose purchased lines cannot be read.
NO_ITEMS_RECEIPT = "CORNER GROCER\n03/02/2025 10:15\n\nTOTAL         11.08\nVISA          11.08\n"


# --- upload ----------------------------------------------------------------------------------------------------


def test_receipt_upload_stores_the_file_encrypted_and_queues_ocr_after_commit(
    user, household, django_capture_on_commit_callbacks
):
    text = fixture_text("corner_shop_1.txt")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        receipt = upload_text(user=user, household=household, text=text)
    assert receipt.status == Receipt.Status.QUEUED
    assert receipt.kind == Receipt.Kind.TEXT
    assert len(callbacks) == 1  # one OCR task, sent only once the upload is committed
    on_disk = (settings.MEDIA_ROOT / receipt.file.name).read_bytes()
    assert b"CORNER GROCER" not in on_disk
    with receipt.file.open("rb") as handle:
        assert handle.read() == text.encode()
    assert AuditEvent.objects.filter(action="receipt.upload", target_id=str(receipt.pk)).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00", "not supported"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "damaged"),
    ],
)
def test_receipt_upload_refuses_bad_files_and_stores_none_of_the_batch(user, household, data, message):
    good = services.Upload("good.txt", fixture_text("corner_shop_1.txt").encode())
    with pytest.raises(services.ReceiptUploadError, match=message) as raised:
        services.receipt_upload(
            actor=user, household=household, uploads=[good, services.Upload("bad.bin", data)]
        )
    assert raised.value.filename == "bad.bin"
    assert not Receipt.objects.exists()


# --- OCR and parsing stages ------------------------------------------------------------------------------------


def test_ocr_reads_a_real_image_and_keeps_text_engine_timing_and_confidence(user, household):
    (receipt,) = services.receipt_upload(
        actor=user,
        household=household,
        uploads=[services.Upload("photo.png", receipt_png(fixture_text("corner_shop_1.txt")))],
    )
    services.receipt_process_ocr(receipt_id=receipt.pk)
    receipt.refresh_from_db()
    assert receipt.status == Receipt.Status.PARSING
    assert "WHOLE MILK" in receipt.ocr_text
    assert receipt.ocr_engine == "rapidocr"
    assert receipt.ocr_seconds > 0
    assert 0 < receipt.ocr_confidence <= 1
    assert receipt.ocr_attempts == 1


def test_ocr_of_an_image_without_text_fails_the_receipt_with_a_readable_reason(user, household):
    (receipt,) = services.receipt_upload(
        actor=user, household=household, uploads=[services.Upload("blank.png", blank_png())]
    )
    services.receipt_process_ocr(receipt_id=receipt.pk)
    receipt.refresh_from_db()
    assert receipt.status == Receipt.Status.FAILED
    assert "No text was found" in receipt.failure_reason


def test_parse_creates_lines_and_suggests_existing_items(user, household):
    milk = make_item(user=user, household=household, name="Whole milk", unit="gal")
    receipt = processed_fixture(user=user, household=household, name="corner_shop_1.txt")
    assert receipt.status == Receipt.Status.NEEDS_REVIEW
    assert receipt.merchant == "CORNER GROCER"
    assert receipt.printed_total == Decimal("11.08")
    lines = list(receipt.lines.order_by("position"))
    assert [line.printed_name for line in lines] == [
        "EXC FUS 85SELPP",
        "WHOLE MILK 1GAL",
        "BANANAS",
        "LG EGGS 12CT",
    ]
    assert (lines[1].action, lines[1].item) == (ReceiptLine.Action.ADD_EXISTING, milk)
    assert lines[2].action == ReceiptLine.Action.CREATE_NEW
    assert lines[2].new_item_name == "Bananas"


def test_stages_delivered_twice_do_their_work_once(user, household):
    receipt = processed_fixture(user=user, household=household, name="corner_shop_1.txt")
    # A redelivered OCR or parse task finds the receipt past its stage and leaves it alone.
    assert services.receipt_process_ocr(receipt_id=receipt.pk) is None
    assert services.receipt_parse(receipt_id=receipt.pk) is None
    # A parse interrupted after writing lines and run again replaces them instead of adding more.
    Receipt.objects.filter(pk=receipt.pk).update(status=Receipt.Status.PARSING)
    services.receipt_parse(receipt_id=receipt.pk)
    assert receipt.lines.count() == 4
    assert AuditEvent.objects.filter(action="receipt.ocr", target_id=str(receipt.pk)).count() == 1


def test_a_receipt_without_readable_items_fails_with_a_reason(user, household):
    receipt = process(upload_text(user=user, household=household, text=NO_ITEMS_RECEIPT))
    assert receipt.status == Receipt.Status.FAILED
    assert receipt.failure_reason == services.NO_ITEMS_FOUND


def test_text_that_is_not_a_receipt_says_so_and_keeps_no_lines(user, household):
    receipt = process(
        upload_text(user=user, household=household, text="Thank you for shopping\nSee you soon")
    )
    assert (receipt.status, receipt.get_status_display()) == (Receipt.Status.NOT_A_RECEIPT, "Not a receipt")
    assert receipt.failure_reason == services.NOT_A_RECEIPT
    assert receipt.lines.count() == 0
    assert AuditEvent.objects.filter(action="receipt.not_a_receipt", target_id=str(receipt.pk)).exists()


def test_retry_sends_a_failed_receipt_back_to_the_queue(user, household, django_capture_on_commit_callbacks):
    receipt = process(upload_text(user=user, household=household, text=NO_ITEMS_RECEIPT))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.receipt_retry(actor=user, receipt=receipt)
    receipt.refresh_from_db()
    assert (receipt.status, receipt.failure_reason) == (Receipt.Status.QUEUED, "")
    assert len(callbacks) == 1
    with pytest.raises(services.ReceiptError):
        services.receipt_retry(actor=user, receipt=receipt)


# --- review, alias memory, apply -------------------------------------------------------------------------------


def _corrections_needed(receipt: Receipt, wanted: dict[str, int | None]) -> int:
    """How many lines a member would have to change: suggestion differs from the wanted item (None = new)."""
    return sum(
        1
        for line in receipt.lines.all()
        if line.printed_name in wanted and line.item_id != wanted[line.printed_name]
    )


def test_alias_memory_learns_a_correction_so_the_next_receipt_from_the_store_needs_fewer(user, household):
    fusilli = make_item(user=user, household=household, name="Fusilli pasta", unit="pcs")
    eggs = make_item(user=user, household=household, name="Eggs", unit="pcs")
    first = processed_fixture(user=user, household=household, name="corner_shop_1.txt")
    wanted = {"EXC FUS 85SELPP": fusilli.pk, "LG EGGS 12CT": eggs.pk}
    assert _corrections_needed(first, wanted) == 1  # the pasta code means nothing to fuzzy matching

    pasta_line = line_named(first, "EXC FUS 85SELPP")
    services.receipt_lines_update(
        actor=user, receipt=first, edits=[line_edit(pasta_line, action="add_existing", item_id=fusilli.pk)]
    )
    services.receipt_apply(actor=user, receipt=first, bought_on=BOUGHT_ON_RECEIPT_DATE)

    second = processed_fixture(user=user, household=household, name="corner_shop_2.txt")
    assert _corrections_needed(second, wanted) == 0
    remembered = line_named(second, "EXC FUS 85SELPP")
    assert (remembered.match_source, remembered.confidence) == ("alias", Decimal("0.99"))
    alias = StoreAlias.objects.get(household=household, item=fusilli)
    assert (alias.store_name, alias.alias_text) == ("CORNER GROCER", "exc fus 85selpp")


def test_alias_memory_is_per_store_and_per_household(user, household, other_household):
    fusilli = make_item(user=user, household=household, name="Fusilli pasta")
    first = processed_fixture(user=user, household=household, name="corner_shop_1.txt")
    line = line_named(first, "EXC FUS 85SELPP")
    services.receipt_lines_update(
        actor=user, receipt=first, edits=[line_edit(line, action="add_existing", item_id=fusilli.pk)]
    )
    other_store = fixture_text("corner_shop_2.txt").replace("CORNER GROCER", "BIG MART")
    elsewhere = process(upload_text(user=user, household=household, text=other_store))
    assert line_named(elsewhere, "EXC FUS 85SELPP").match_source != "alias"
    neighbours = processed_fixture(user=None, household=other_household, name="corner_shop_2.txt")
    assert line_named(neighbours, "EXC FUS 85SELPP").match_source != "alias"


def test_apply_adds_stock_and_creates_new_items_in_one_go(user, household):
    milk = make_item(user=user, household=household, name="Whole milk", unit="gal", quantity="1")
    receipt = processed_fixture(user=user, household=household, name="corner_shop_1.txt")
    services.receipt_apply(actor=user, receipt=receipt, bought_on=BOUGHT_ON_RECEIPT_DATE)
    receipt.refresh_from_db()
    assert receipt.status == Receipt.Status.APPLIED
    milk.refresh_from_db()
    assert milk.quantity == Decimal(2)
    names = sorted(item.name for item in Item.objects.filter(household=household))
    assert names == ["Bananas", "Exc fus 85selpp", "Large eggs", "Whole milk"]
    events = StockEvent.objects.filter(source_type="receipts.receipt", source_id=str(receipt.pk))
    assert events.count() == 4
    with pytest.raises(services.ReceiptError, match="cannot be changed"):
        services.receipt_apply(actor=user, receipt=receipt, bought_on=BOUGHT_ON_RECEIPT_DATE)


def test_apply_is_all_or_nothing_when_one_line_fails(user, household):
    milk = make_item(user=user, household=household, name="Whole milk", unit="gal", quantity="1")
    flour = make_item(user=user, household=household, name="Flour", unit="kg", quantity="2")
    receipt = processed_fixture(user=user, household=household, name="corner_shop_1.txt")
    last = receipt.lines.get(position=4)
    # Eggs counted in pieces cannot go into an item kept in kilograms: the fourth line fails.
    services.receipt_lines_update(
        actor=user, receipt=receipt, edits=[line_edit(last, action="add_existing", item_id=flour.pk)]
    )
    with pytest.raises(services.ReceiptError, match="Line 4"):
        services.receipt_apply(actor=user, receipt=receipt, bought_on=BOUGHT_ON_RECEIPT_DATE)
    milk.refresh_from_db()
    flour.refresh_from_db()
    assert (milk.quantity, flour.quantity) == (Decimal(1), Decimal(2))
    assert not StockEvent.objects.filter(source_type="receipts.receipt").exists()
    assert Item.objects.filter(household=household).count() == 2  # the new items were rolled back too
    receipt.refresh_from_db()
    assert receipt.status == Receipt.Status.NEEDS_REVIEW


def test_line_update_refuses_another_households_item(user, household, other_household):
    theirs = make_item(user=None, household=other_household, name="Caviar")
    receipt = processed_fixture(user=user, household=household, name="corner_shop_1.txt")
    line = receipt.lines.first()
    with pytest.raises(services.ReceiptError, match="not in your inventory"):
        services.receipt_lines_update(
            actor=user, receipt=receipt, edits=[line_edit(line, action="add_existing", item_id=theirs.pk)]
        )


# --- duplicate guard --------------------------------------------------------------------------------------------


def test_the_same_file_uploaded_twice_is_flagged_and_cannot_touch_stock_unconfirmed(user, household):
    first = processed_fixture(user=user, household=household, name="corner_shop_1.txt")
    again = processed_fixture(user=user, household=household, name="corner_shop_1.txt")
    assert first.duplicate_of is None
    assert again.duplicate_of == first
    with pytest.raises(services.ReceiptError, match="uploaded again"):
        services.receipt_apply(actor=user, receipt=again, bought_on=BOUGHT_ON_RECEIPT_DATE)
    assert not StockEvent.objects.exists()
    services.receipt_apply(actor=user, receipt=again, allow_duplicate=True, bought_on=BOUGHT_ON_RECEIPT_DATE)
    assert StockEvent.objects.count() == 4


def test_the_same_purchase_in_a_different_file_is_flagged(user, household):
    first = processed_fixture(user=user, household=household, name="corner_shop_1.txt")
    # Another scan of the same purchase: OCR spacing and a footer differ, store/date/total/lines do not.
    rescanned = fixture_text("corner_shop_1.txt").replace("   ", "  ") + "\nTHANK YOU\n"
    again = process(upload_text(user=user, household=household, text=rescanned))
    assert again.duplicate_of == first
    different_day = process(
        upload_text(user=user, household=household, text=rescanned.replace("03/02", "03/03"))
    )
    assert different_day.duplicate_of is None


def test_returned_items_are_ignored_by_default_and_never_added_to_stock(user, household):
    make_item(user=user, household=household, name="Whole milk", unit="gal")
    text = fixture_text("corner_shop_1.txt").replace(
        "LG EGGS 12CT             4.10", "RETURN WHOLE MILK 1GAL  -3.29"
    )
    receipt = process(upload_text(user=user, household=household, text=text))
    returned = [line for line in receipt.lines.all() if line.is_return]
    assert len(returned) == 1
    assert returned[0].action == ReceiptLine.Action.IGNORE
    milk = Item.objects.get(household=household)
    services.receipt_lines_update(
        actor=user, receipt=receipt, edits=[line_edit(returned[0], action="add_existing", item_id=milk.pk)]
    )
    with pytest.raises(services.ReceiptError, match="returned item"):
        services.receipt_apply(actor=user, receipt=receipt, bought_on=BOUGHT_ON_RECEIPT_DATE)


def test_an_unexpected_error_in_a_task_fails_the_receipt_with_a_readable_reason(user, household):
    from receipts.tasks import receipt_ocr_task

    receipt = upload_text(user=user, household=household, text=fixture_text("corner_shop_1.txt"))
    (settings.MEDIA_ROOT / receipt.file.name).unlink()  # the stored upload vanished from the disk
    receipt_ocr_task.apply(args=[receipt.pk])
    receipt.refresh_from_db()
    assert receipt.status == Receipt.Status.FAILED
    assert receipt.failure_reason == services.UNEXPECTED_FAILURE
