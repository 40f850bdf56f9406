"""Errors raised by the OCR app.

`str(error)` is a message a household member can read: the receipt status page shows it as the failure reason.
Vendor exceptions (pytesseract, onnxruntime, pypdfium2, Pillow) are translated into these at the edge.
"""


class OcrError(Exception):
    """Base class: the document could not be turned into text."""

    message = "The document could not be read."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)


class UnsupportedFileType(OcrError):
    message = "This file type is not supported. Upload a photo (JPEG, PNG, WebP, HEIC, TIFF), a PDF or text."


class EmptyFile(OcrError):
    message = "The file is empty."


class FileTooLarge(OcrError):
    message = "The file is too large."


class ImageTooLarge(OcrError):
    message = "The image has too many pixels to process safely."


class CorruptFile(OcrError):
    message = "The file is damaged or incomplete and could not be opened."


class TooManyPages(OcrError):
    message = "The PDF has too many pages."


class NoTextFound(OcrError):
    message = "No text was found. Try a sharper, well-lit photo of the whole receipt."


class EngineUnavailable(OcrError):
    message = "No OCR engine is available on this server."


class TransientOcrError(OcrError):
    """A failure worth retrying later (engine timeout, engine process killed); the Celery task retries on it."""

    message = "Reading the document took too long. It will be tried again."
