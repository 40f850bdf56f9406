"""Receipt documents made for the tests: text fixtures, rendered as a photo-like PNG or a multi-page PDF."""

from __future__ import annotations

import io
import re
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FIXTURES = Path(__file__).parent / "fixtures"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text()


def render_page(text: str, *, size: int = 28) -> Image.Image:
    """Black monospaced text on white, about the height a phone photo of a receipt gives Tesseract."""
    font = ImageFont.truetype(FONT, size)
    lines = text.splitlines() or [""]
    width = max(int(font.getlength(line)) for line in lines) + 80
    height = (size + 12) * len(lines) + 80
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        draw.text((40, 40 + number * (size + 12)), line, fill="black", font=font)
    return image


def narrow(text: str) -> str:
    """Close the wide gaps before prices, as a narrow till roll prints them."""
    return "\n".join(re.sub(r"\s{3,}", "   ", line) for line in text.splitlines())


def receipt_png(text: str) -> bytes:
    buffer = io.BytesIO()
    render_page(narrow(text)).save(buffer, format="PNG")
    return buffer.getvalue()


def receipt_pdf(text: str, *, pages: int) -> bytes:
    """The same receipt on every page: a document whose OCR takes `pages` times as long."""
    images = [render_page(narrow(text)) for _ in range(pages)]
    buffer = io.BytesIO()
    images[0].save(buffer, format="PDF", save_all=True, append_images=images[1:], resolution=150)
    return buffer.getvalue()


def blank_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 600), "white").save(buffer, format="PNG")
    return buffer.getvalue()
