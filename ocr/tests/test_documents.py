import pytest
from PIL import Image

from ocr.documents import load_pages, sniff_kind, validate_upload
from ocr.errors import (
    CorruptFile,
    EmptyFile,
    FileTooLarge,
    ImageTooLarge,
    TooManyPages,
    UnsupportedFileType,
)
from ocr.tests.helpers import encode, image_pdf, png_claiming_size, receipt_bytes, receipt_image, text_pdf


def test_validate_upload_detects_each_kind_from_the_bytes_not_the_name():
    assert validate_upload(receipt_bytes(), "receipt.pdf") == "image"
    assert validate_upload(image_pdf(1), "scan.jpg") == "pdf"
    assert validate_upload(b"MILK 1L 2.49\n", "notes.png") == "text"


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "TIFF"])
def test_validate_upload_accepts_other_photo_formats(fmt):
    assert validate_upload(encode(receipt_image(), fmt), f"receipt.{fmt.lower()}") == "image"


def test_heic_photo_is_decoded():
    pillow_heif = pytest.importorskip("pillow_heif")
    if not pillow_heif.libheif_info().get("encoders"):
        pytest.skip("this libheif build has no HEIF encoder to make the test photo")
    data = encode(receipt_image(), "HEIF", quality=90)
    assert sniff_kind(data) == "image"
    (page,) = load_pages(data, "IMG_0001.HEIC")
    assert page.image.size == receipt_image().size


def test_empty_file_is_rejected():
    with pytest.raises(EmptyFile):
        validate_upload(b"", "receipt.jpg")


def test_binary_that_is_no_image_is_rejected():
    zip_header = b"PK\x03\x04" + bytes(range(256)) * 4
    with pytest.raises(UnsupportedFileType):
        validate_upload(zip_header, "receipt.jpg")


def test_image_format_outside_the_allowed_list_is_rejected():
    gif = encode(Image.new("L", (10, 10), 255), "GIF")
    with pytest.raises(UnsupportedFileType):
        validate_upload(gif, "receipt.gif")


def test_truncated_jpeg_is_reported_as_corrupt():
    data = receipt_bytes()
    with pytest.raises(CorruptFile) as raised:
        validate_upload(data[: len(data) // 2], "receipt.jpg")
    assert "damaged" in str(raised.value)


def test_corrupt_pdf_is_reported_as_corrupt():
    with pytest.raises(CorruptFile):
        validate_upload(b"%PDF-1.4\n" + b"\x00garbage" * 50, "receipt.pdf")


def test_file_over_the_size_limit_is_rejected_before_decoding(settings):
    settings.OCR_MAX_UPLOAD_BYTES = 1024 * 1024
    with pytest.raises(FileTooLarge) as raised:
        validate_upload(b"\xff\xd8\xff" + b"\x00" * (1024 * 1024), "huge.jpg")
    assert "1 MB" in str(raised.value)


@pytest.mark.parametrize("side", [10_000, 100_000])
def test_decompression_bomb_is_rejected_from_its_header(side):
    bomb = png_claiming_size(side, side)
    assert len(bomb) < 200
    with pytest.raises(ImageTooLarge) as raised:
        validate_upload(bomb, "bomb.png")
    assert "pixels" in str(raised.value)


def test_image_too_large_message_gives_size_and_limit():
    with pytest.raises(ImageTooLarge) as raised:
        validate_upload(png_claiming_size(10_000, 5_000), "bomb.png")
    assert str(raised.value) == "The image is 10000×5000 pixels; the limit is 40 million pixels."


def test_pixel_limit_follows_the_setting(settings):
    settings.OCR_MAX_PIXELS = 1000
    with pytest.raises(ImageTooLarge):
        load_pages(encode(Image.new("L", (40, 40), 255)), "small.png")


def test_pdf_over_the_page_limit_is_rejected(settings):
    settings.OCR_MAX_PDF_PAGES = 3
    assert validate_upload(image_pdf(3), "ok.pdf") == "pdf"
    with pytest.raises(TooManyPages) as raised:
        validate_upload(image_pdf(4), "long.pdf")
    assert "4 pages" in str(raised.value)


def test_pdf_pages_are_rendered_as_images():
    pages = load_pages(image_pdf(2), "scan.pdf")
    assert len(pages) == 2
    # 200×300 points at 300 dpi
    assert pages[0].image.size == (834, 1250)


def test_pdf_text_layer_is_used_instead_of_ocr():
    (page,) = load_pages(text_pdf(["FRESH MILK 1L 2.49", "TOTAL 2.49"]), "order.pdf")
    assert page.image is None
    assert "FRESH MILK 1L 2.49" in page.text


def test_exif_orientation_is_applied_on_decoding():
    upright = receipt_image()
    # A phone held sideways stores the pixels rotated and says so in EXIF tag 274 (6: rotate 90° clockwise).
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[274] = 6
    (page,) = load_pages(encode(stored, "JPEG", exif=exif, quality=95), "photo.jpg")
    assert page.image.size == upright.size


def test_transparent_png_is_flattened_onto_white():
    image = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    (page,) = load_pages(encode(image), "clip.png")
    assert page.image.mode == "RGB"
    assert page.image.getpixel((5, 5)) == (255, 255, 255)


def test_sixteen_bit_scan_is_scaled_to_eight_bits():
    image = Image.new("I;16", (20, 20), 1000)
    image.paste(3000, (0, 0, 10, 20))
    (page,) = load_pages(encode(image), "scan.png")
    assert page.image.mode == "L"
    assert page.image.getpixel((15, 5)) == 0
    assert page.image.getpixel((5, 5)) == 255
