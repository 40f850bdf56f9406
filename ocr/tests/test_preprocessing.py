from PIL import Image

from ocr.preprocessing import (
    Preprocessing,
    estimate_skew,
    estimate_text_height,
    preprocess,
    stretch_contrast,
    upscale_small_text,
)
from ocr.tests.helpers import receipt_image


def test_estimate_skew_finds_the_angle_that_levels_a_tilted_receipt():
    tilted = receipt_image().rotate(-3, expand=True, fillcolor=(255, 255, 255))
    assert abs(estimate_skew(tilted) - 3) <= 0.5


def test_deskew_levels_a_tilted_receipt():
    tilted = receipt_image().rotate(-3, expand=True, fillcolor=(255, 255, 255))
    assert estimate_skew(preprocess(tilted, Preprocessing(deskew=True))) == 0


def test_deskew_leaves_a_level_image_alone():
    level = Image.new("L", (300, 400), 255)
    for top in range(20, 380, 30):
        level.paste(0, (20, top, 280, top + 10))
    assert preprocess(level, Preprocessing(deskew=True)) is level


def test_upscale_enlarges_small_print_and_leaves_large_print_alone():
    image = receipt_image()
    small = image.resize((image.width // 2, image.height // 2))
    assert estimate_text_height(small) < 20
    enlarged = upscale_small_text(small)
    assert enlarged.width > small.width
    assert estimate_text_height(enlarged) >= 20
    large = image.resize((image.width * 2, image.height * 2))
    assert upscale_small_text(large) is large


def test_stretch_contrast_makes_faded_print_dark():
    faded = Image.new("L", (100, 100), 230)
    faded.paste(180, (10, 10, 90, 30))
    stretched = stretch_contrast(faded)
    assert stretched.getpixel((50, 20)) == 0
    assert stretched.getpixel((50, 80)) == 255


def test_preprocessing_label_names_the_steps():
    assert Preprocessing().label() == "none"
    assert Preprocessing(grayscale=True, deskew=True).label() == "grayscale+deskew"
    assert preprocess(receipt_image(), Preprocessing(grayscale=True)).mode == "L"
