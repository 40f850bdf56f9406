"""The offline parser on text an OCR engine read from scans: the payment as a second reading of the total, lines
OCR ran together, notes around the shop's name, and receipts whose date or total label was lost."""

from decimal import Decimal

from receipts.parsing import parse_receipt_text


def test_the_cash_tendered_wins_over_a_misread_total_when_the_receipts_arithmetic_agrees_with_it():
    receipt = parse_receipt_text(
        "KEDAI RUNCIT MAJU SDN BHD\nDATE: 04/12/2017 15:14\nSUGAR 2KG             6.00\nRICE 5KG             15.00\n"
        "SUB-TOTAL            21.00\nGST                   1.26\nROUNDING             -0.01\nTOTAL                22.28\n"
        "CASH                 30.00\nCHANGE                7.75\n"
    )
    assert receipt.total == Decimal("22.25")  # 21.00 + 1.26 - 0.01, paid as 30.00 - 7.75; '22.28' was misread


def test_a_total_that_the_payment_does_not_confirm_is_kept():
    receipt = parse_receipt_text(
        "KEDAI RUNCIT MAJU SDN BHD\nDATE: 04/12/2017 15:14\nSUGAR 2KG             6.00\nTOTAL                 6.00\n"
        "CASH                 10.00\nCHANGE                3.00\n"
    )
    assert receipt.total == Decimal("6.00")


def test_cash_and_change_read_as_one_line_give_the_amount_paid():
    receipt = parse_receipt_text(
        "RESTORAN MAJU\n28/12/2017 22:17\n1 NASI LEMAK  15.00  15.00\nTOTAL 1 2 FER:2Oi0\nCASH CHANGE RM RM 15.00 0.00\n"
    )
    assert receipt.total == Decimal("15.00")


def test_with_the_total_line_unreadable_the_payment_gives_the_total():
    receipt = parse_receipt_text(
        "STATIONERY & BOOKS\nCASH\nReceipt No.: CS1802/27714 Date:12/02/2018\nPEN 2.70\nPAPER 1.50\n"
        "SUB-TOTAL 4.20\nTOTAL 1 2 FER\nCASH 5.00\nCHANGE 0.80\n"
    )
    assert (receipt.is_receipt, receipt.total) == (True, Decimal("4.20"))


def test_a_handwritten_note_above_the_shop_name_is_not_part_of_it():
    receipt = parse_receipt_text(
        "tan chay yee\nS.H.H.MOTOR(SUNGAI RENGIT)SDN.BHD.\n(801580-T)\nTOTAL 12.00\n01/02/2018"
    )
    assert receipt.merchant == "S.H.H.MOTOR(SUNGAI RENGIT)SDN.BHD."


def test_a_scanned_receipt_without_a_readable_date_is_still_a_receipt():
    receipt = parse_receipt_text(
        "99 SPEED MART S/D (519537-X)\nLOT P.T. 2811, JALAN ANGSA\n41150 KLANG, SELANGOR\nINVOICE NO:18299/102/T0230\n"
        "01:34PM 568017 05 02-18\n2506 YONGCHUN LOKAM MNDRN S RM62.50 z\nTotal Sales (Inclusive GST) RM 62.50\n"
        "CASH RM 70.00\nCHANGE RM 7.50\n"
    )
    assert (receipt.is_receipt, receipt.total) == (True, Decimal("62.50"))
