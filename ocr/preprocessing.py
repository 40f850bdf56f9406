"""Image clean-up before OCR. Each step is a switch so the benchmark can measure it on real receipts.

EXIF orientation is not here: it is part of decoding (`ocr.documents`), since a phone photo shown sideways is
wrong for every engine. The steps below help some engines and hurt others, so each engine declares the set that
measured best for it (bench/ocr_bench.py, docs/BENCHMARKS.md).
"""

from dataclasses import dataclass, fields

import cv2
import numpy as np
from PIL import Image, ImageOps

# Tesseract reads best with capitals about 20-40 px tall; receipt photos taken from afar are often below that.
_TARGET_TEXT_HEIGHT = 30
_MIN_TEXT_HEIGHT = 20
_MAX_UPSCALE = 3.0
# Upscaling costs time and memory quadratically; past this the text is big enough to read anyway.
_MAX_UPSCALED_PIXELS = 25_000_000
# Receipts are photographed roughly upright; larger angles are a rotation, not a skew.
_MAX_SKEW_DEGREES = 5.0
_SKEW_STEP_DEGREES = 0.25


@dataclass(frozen=True)
class Preprocessing:
    grayscale: bool = False
    contrast: bool = False
    deskew: bool = False
    upscale: bool = False

    def label(self) -> str:
        steps = [f.name for f in fields(self) if getattr(self, f.name)]
        return "+".join(steps) or "none"


def preprocess(image: Image.Image, steps: Preprocessing) -> Image.Image:
    if steps.grayscale:
        image = image.convert("L")
    if steps.contrast:
        image = stretch_contrast(image)
    if steps.deskew:
        image = deskew(image)
    if steps.upscale:
        image = upscale_small_text(image)
    return image


def stretch_contrast(image: Image.Image) -> Image.Image:
    """Stretch levels so faded thermal print becomes dark; ignore the 1% extremes (glare, shadows)."""
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    return ImageOps.autocontrast(image, cutoff=1)


def _dark_pixel_mask(image: Image.Image, max_side: int = 800) -> np.ndarray:
    gray = np.asarray(image.convert("L"))
    scale = max_side / max(gray.shape)
    if scale < 1:
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    _, mask = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return mask


def estimate_skew(image: Image.Image) -> float:
    """Angle in degrees (counter-clockwise) that makes text rows horizontal.

    Projection profile: when rows are level, the row sums of ink alternate sharply between text and gaps, so
    their variance peaks. Robust on receipts, where short lines and logos confuse line detectors.
    """
    mask = _dark_pixel_mask(image)
    height, width = mask.shape
    centre = (width / 2, height / 2)
    best_angle, best_score = 0.0, -1.0
    for angle in np.arange(-_MAX_SKEW_DEGREES, _MAX_SKEW_DEGREES + 1e-9, _SKEW_STEP_DEGREES):
        matrix = cv2.getRotationMatrix2D(centre, float(angle), 1.0)
        rotated = cv2.warpAffine(mask, matrix, (width, height), flags=cv2.INTER_NEAREST)
        score = float(np.var(rotated.sum(axis=1, dtype=np.float64)))
        if score > best_score:
            best_angle, best_score = float(angle), score
    return best_angle


def deskew(image: Image.Image) -> Image.Image:
    angle = estimate_skew(image)
    if abs(angle) < _SKEW_STEP_DEGREES:
        return image
    fill = 255 if image.mode == "L" else (255, 255, 255)
    return image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=fill)


def estimate_text_height(image: Image.Image) -> float | None:
    """Median height in px of character-sized blobs of ink, or None when there are too few to tell."""
    gray = np.asarray(image.convert("L"))
    _, mask = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    heights = stats[1:count, cv2.CC_STAT_HEIGHT]
    widths = stats[1:count, cv2.CC_STAT_WIDTH]
    # Character-like: not specks of noise, not rules or logos.
    keep = (heights >= 4) & (heights <= gray.shape[0] / 10) & (widths <= heights * 3)
    if keep.sum() < 20:
        return None
    return float(np.median(heights[keep]))


def upscale_small_text(image: Image.Image) -> Image.Image:
    height = estimate_text_height(image)
    if height is None or height >= _MIN_TEXT_HEIGHT:
        return image
    budget = (_MAX_UPSCALED_PIXELS / (image.width * image.height)) ** 0.5
    factor = min(_TARGET_TEXT_HEIGHT / height, _MAX_UPSCALE, budget)
    if factor <= 1:
        return image
    size = (round(image.width * factor), round(image.height * factor))
    return image.resize(size, Image.Resampling.LANCZOS)
