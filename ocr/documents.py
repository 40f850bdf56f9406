"""Uploaded bytes to pages: file type sniffing, limits, and decoding (images, HEIC, PDF pages, plain text).

Everything that can be checked before decoding is: the byte size first, then the image dimensions from the
header (a decompression bomb is a small file that claims a huge canvas), then the PDF page count. The file name
is only a hint; the bytes decide the type.
"""

import io
import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pillow_heif
import pypdfium2
from PIL import Image, ImageOps, UnidentifiedImageError

from ocr import conf
from ocr.errors import (
    CorruptFile,
    EmptyFile,
    FileTooLarge,
    ImageTooLarge,
    TooManyPages,
    UnsupportedFileType,
)

pillow_heif.register_heif_opener()

Kind = Literal["image", "pdf", "text"]

# Pillow formats a receipt photo or scan comes in; anything else Pillow could open (EPS, ICO, ...) is refused.
IMAGE_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "TIFF", "HEIF", "MPO"})
_HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1")
# 300 dpi renders receipt-sized print at the text height Tesseract reads best.
PDF_RENDER_DPI = 300
# A PDF page whose text layer has at least this many letters and digits is a digital receipt: its text is exact.
MIN_TEXT_LAYER_CHARS = 10


@dataclass(frozen=True)
class Page:
    """One page to read: an image for OCR, or text that needs none (a PDF text layer, a text file)."""

    image: Image.Image | None = None
    text: str | None = None


def sniff_kind(data: bytes) -> Kind | None:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if _looks_like_image(data):
        return "image"
    if _looks_like_text(data):
        return "text"
    return None


def _looks_like_image(data: bytes) -> bool:
    return (
        data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"II*\x00", b"MM\x00*"))
        or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
        or (data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS)
    )


def _looks_like_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    printable = sum(1 for char in text if char.isprintable() or char in "\r\n\t")
    return printable >= 0.95 * len(text)


def validate_upload(data: bytes, filename: str = "") -> Kind:
    """Reject a bad upload before it is stored; returns the detected kind ("image", "pdf" or "text").

    Decodes images and opens PDFs fully, so a file that passes will not fail later as corrupt.
    """
    kind = _check_kind(data)
    if kind == "image":
        _decode_image(data)
    elif kind == "pdf":
        _open_pdf(data).close()
    return kind


def _check_kind(data: bytes) -> Kind:
    if not data:
        raise EmptyFile()
    limit = conf.max_upload_bytes()
    if len(data) > limit:
        raise FileTooLarge(f"The file is larger than the {limit // (1024 * 1024)} MB limit.")
    kind = sniff_kind(data)
    if kind is None:
        raise UnsupportedFileType()
    return kind


def load_pages(data: bytes, filename: str = "") -> tuple[Page, ...]:
    kind = _check_kind(data)
    if kind == "text":
        return (Page(text=data.decode("utf-8")),)
    if kind == "pdf":
        return _pdf_pages(data)
    return (Page(image=_decode_image(data)),)


def _check_pixels(width: int, height: int) -> None:
    limit = conf.max_pixels()
    if width * height > limit:
        raise ImageTooLarge(
            f"The image is {width}×{height} pixels; the limit is {limit // 1_000_000} million pixels."
        )


def _decode_image(data: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            # Our own pixel limit applies below; Pillow's warning about its default one is noise.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in IMAGE_FORMATS:
                raise UnsupportedFileType()
            _check_pixels(*image.size)  # header only: nothing decoded yet
            image.load()
    except Image.DecompressionBombError as error:
        raise ImageTooLarge() from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise CorruptFile() from error
    return _normalise(image)


def _normalise(image: Image.Image) -> Image.Image:
    """Upright, 8-bit RGB or grayscale, transparency flattened onto white paper."""
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode in ("L", "RGB"):
        return image
    if image.mode.startswith(("I", "F")):
        return _to_8bit(image)
    return image.convert("L" if image.mode == "1" else "RGB")


def _to_8bit(image: Image.Image) -> Image.Image:
    """16-bit and float scans: stretch their actual range to 0-255 (a plain cast would clip them white)."""
    pixels = np.asarray(image, dtype=np.float64)
    low, high = float(pixels.min()), float(pixels.max())
    scaled = (pixels - low) * (255 / (high - low)) if high > low else np.zeros_like(pixels)
    return Image.fromarray(scaled.astype(np.uint8), mode="L")


def _open_pdf(data: bytes) -> pypdfium2.PdfDocument:
    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        raise CorruptFile() from error
    limit = conf.max_pdf_pages()
    if len(pdf) > limit:
        count = len(pdf)
        pdf.close()
        raise TooManyPages(f"The PDF has {count} pages; the limit is {limit}.")
    if len(pdf) == 0:
        pdf.close()
        raise CorruptFile("The PDF has no pages.")
    return pdf


def _pdf_pages(data: bytes) -> tuple[Page, ...]:
    pdf = _open_pdf(data)
    try:
        return tuple(_pdf_page(pdf[index]) for index in range(len(pdf)))
    except pypdfium2.PdfiumError as error:
        raise CorruptFile() from error
    finally:
        pdf.close()


def _pdf_page(page: pypdfium2.PdfPage) -> Page:
    text = page.get_textpage().get_text_bounded()
    if sum(char.isalnum() for char in text) >= MIN_TEXT_LAYER_CHARS:
        return Page(text=text)
    width, height = page.get_size()  # points, 1/72 inch
    scale = PDF_RENDER_DPI / 72
    # Render smaller rather than refuse: a poster-sized page still holds a readable receipt.
    limit = conf.max_pixels()
    if width * height * scale * scale > limit:
        scale = (limit / (width * height)) ** 0.5
    return Page(image=page.render(scale=scale, grayscale=True).to_pil())
