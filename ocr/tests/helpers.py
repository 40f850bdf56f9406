"""Test inputs made on the fly, and stand-in engines for the fallback tests."""

import io
import struct
import zlib
from pathlib import Path

from PIL import Image

from ocr.engines import EngineResult
from ocr.errors import OcrError, TransientOcrError
from ocr.preprocessing import Preprocessing

FIXTURES = Path(__file__).parent / "fixtures"
RECEIPT_JPEG = FIXTURES / "sroie_019.jpg"
RECEIPT_TOTAL = "86.00"


def receipt_bytes() -> bytes:
    return RECEIPT_JPEG.read_bytes()


def receipt_image() -> Image.Image:
    with Image.open(RECEIPT_JPEG) as image:
        return image.convert("RGB")


def encode(image: Image.Image, fmt: str = "PNG", **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def png_claiming_size(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge canvas: a decompression bomb, minus the bomb."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return (
            struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grayscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def image_pdf(pages: int) -> bytes:
    blank = Image.new("L", (200, 300), 255)
    return encode(blank, "PDF", save_all=True, append_images=[blank] * (pages - 1), resolution=72)


def text_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with a real text layer, as web shops send digital receipts."""
    content = "BT /F1 12 Tf 20 800 Td 14 TL " + " ".join(f"({line}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 842] /Resources << /Font << /F1 4 0 R >> >> "
        "/Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n{obj}\nendobj\n".encode()
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    body += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    body += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return body


class UnavailableEngine:
    name = "unavailable"
    preprocessing = Preprocessing()

    def available(self) -> bool:
        return False

    def recognize(self, image: Image.Image) -> EngineResult:
        raise AssertionError("an unavailable engine must not be called")


class BrokenEngine:
    name = "broken"
    preprocessing = Preprocessing()

    def available(self) -> bool:
        return True

    def recognize(self, image: Image.Image) -> EngineResult:
        raise OcrError("engine crashed")


class TimingOutEngine:
    name = "timing-out"
    preprocessing = Preprocessing()

    def available(self) -> bool:
        return True

    def recognize(self, image: Image.Image) -> EngineResult:
        raise TransientOcrError()


class BlankEngine:
    name = "blank"
    preprocessing = Preprocessing()

    def available(self) -> bool:
        return True

    def recognize(self, image: Image.Image) -> EngineResult:
        return EngineResult(text="", confidence=None)
