"""Checks every upload passes before anything is written: type by content, size, and a safe file name.

Size is refused twice before any view runs: a request whose Content-Length passes UPLOAD_MAX_REQUEST_BYTES is
answered 413 without reading its body, and a file that passes UPLOAD_MAX_BYTES while it streams in stops the
reading there (`UploadLimitMiddleware`, `LimitedUploadHandler`). Content is then checked by what it is, not by
its name: images are decoded under UPLOAD_MAX_IMAGE_PIXELS and stored re-encoded (nothing after the image data,
no metadata), PDFs need their header and end-of-file marker, Office files must be real OOXML packages with no
program or macro inside, and a file that carries HTML in its first kilobyte (what a browser sniffs) is refused.
"""

import hashlib
import io
import re
import struct
import unicodedata
import uuid
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from portal.core.errors import PortalError

# extension → (content type, magic bytes at the start, or None when any content is acceptable)
ALLOWED = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0",)),
    ".xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0",)),
}


@dataclass(frozen=True)
class CheckedUpload:
    name: str  # sanitised original name, for display
    stored_name: str  # what goes to storage: random, with the checked extension
    content_type: str
    size: int
    sha256: str
    content: bytes | None = None  # what to store instead of the upload (an image re-encoded); None: the upload


def safe_name(raw: str) -> str:
    """The last path component, without control characters, path separators or leading dots."""
    name = PurePosixPath((raw or "").replace("\\", "/")).name
    name = unicodedata.normalize("NFC", name)
    name = re.sub(r"[\x00-\x1f<>:\"/\\|?*]", "_", name).strip().lstrip(".")
    return name[:150] or "file"


def check_upload(upload) -> CheckedUpload:
    """Refuse a file whose type (by extension and content), size or content is not allowed. When the result's
    `content` is set (an image re-encoded), that is what gets stored and served, not the upload."""
    name = safe_name(upload.name)
    extension = PurePosixPath(name).suffix.lower()
    limit = getattr(settings, "UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
    if extension not in ALLOWED:
        raise PortalError(
            _("“%(name)s” is not an accepted file type; upload PDF, images (PNG/JPG) or Office files.")
            % {"name": name},
            fields={"file": [_("File type not accepted.")]},
        )
    if upload.size > limit:
        raise PortalError(
            _("“%(name)s” is %(size).1f MB; the limit is %(limit)d MB.")
            % {"name": name, "size": upload.size / 1048576, "limit": limit // 1048576},
            fields={"file": [_("Too large.")]},
        )
    if upload.size == 0:
        raise PortalError(_("“%(name)s” is empty.") % {"name": name}, fields={"file": [_("Empty file.")]})
    content_type, magics = ALLOWED[extension]
    upload.seek(0)
    head = upload.read(1024)
    if not any(head.startswith(magic) for magic in magics):
        raise PortalError(
            _("“%(name)s” does not contain what its extension says; it was not stored.") % {"name": name},
            fields={"file": [_("Content does not match the type.")]},
        )
    if MARKUP.search(head):  # what a browser sniffs: a page hidden behind a file header
        _refuse_content(name)
    content = CONTENT_CHECKS.get(extension, _no_check)(upload, name)
    digest = hashlib.sha256()
    size = upload.size
    if content is not None:
        digest.update(content)
        size = len(content)
    else:
        upload.seek(0)
        for chunk in upload.chunks():
            digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(
        name=name,
        stored_name=f"{uuid.uuid4().hex}{extension}",
        content_type=content_type,
        size=size,
        sha256=digest.hexdigest(),
        content=content,
    )


# --- content -----------------------------------------------------------------------------------------------

MARKUP = re.compile(rb"<(?:!doctype|html|head|body|script|iframe|svg|object|embed|meta)[\s/>]", re.IGNORECASE)
EXECUTABLE_NAMES = (".exe", ".dll", ".bat", ".cmd", ".js", ".jse", ".vbs", ".vbe", ".scr", ".com", ".msi", ".ps1")
MACRO_PARTS = ("vbaproject.bin", "vbadata.xml")
PE_STUB = b"This program cannot be run in DOS mode"
OOXML_MAIN = {".docx": "word/", ".xlsx": "xl/"}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _refuse_content(name, message=None):
    raise PortalError(
        _("“%(name)s” could not be checked as a safe file of its type; it was not stored.") % {"name": name},
        fields={"file": [message or _("The file's content is not accepted.")]},
    )


def _no_check(upload, name):
    return None


def _check_pdf(upload, name):
    """A PDF ends with its end-of-file marker (readers accept it within the last kilobyte)."""
    upload.seek(max(upload.size - 1024, 0))
    if b"%%EOF" not in upload.read():
        _refuse_content(name, _("The PDF is incomplete or is not a PDF."))
    return None


def _png_end(upload) -> int | None:
    """Where a PNG's IEND chunk ends, walking its chunks; None when the chunk structure is broken."""
    upload.seek(len(PNG_SIGNATURE))
    position = len(PNG_SIGNATURE)
    while True:
        header = upload.read(8)
        if len(header) < 8:
            return None
        length, kind = struct.unpack(">I4s", header)
        position += 12 + length
        if position > upload.size:
            return None
        if kind == b"IEND":
            return position
        upload.seek(position)


def _jpeg_end(data: bytes) -> int | None:
    """Where the first image of a JPEG ends (after its EOI marker), walking its segments and scans."""
    position = 2
    while position + 2 <= len(data):
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xD9:
            return position + 2
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            position += 2
            continue
        if position + 4 > len(data):
            return None
        length = struct.unpack(">H", data[position + 2 : position + 4])[0]
        position += 2 + length
        if marker == 0xDA:  # a scan: entropy-coded data up to the next marker that is not a stuffed or RST byte
            while True:
                position = data.find(b"\xff", position)
                if position < 0 or position + 1 >= len(data):
                    return None
                following = data[position + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                    position += 1 if following == 0xFF else 2
                    continue
                break
    return None


def _check_image(upload, name):
    """Decode under the pixel limit and return the image re-encoded: only pixels reach storage and the browser.
    A PNG with anything after its end (a page, an archive) is refused."""
    from PIL import Image, ImageOps

    limit = getattr(settings, "UPLOAD_MAX_IMAGE_PIXELS", 40_000_000)
    expected = "PNG" if PurePosixPath(name).suffix.lower() == ".png" else "JPEG"
    if expected == "PNG" and _png_end(upload) != upload.size:
        _refuse_content(name, _("The image has data after its end."))
    if expected == "JPEG":
        upload.seek(0)
        data = upload.read()
        end = _jpeg_end(data)
        # phones append a second picture or a motion clip after the image; a page there is a polyglot
        if end is None or MARKUP.search(data, end):
            _refuse_content(name, _("The image has data after its end."))
        del data
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload, formats=[expected])
            width, height = image.size
            if width * height > limit:
                raise PortalError(
                    _("“%(name)s” is %(width)d × %(height)d pixels; the limit is %(limit)d million pixels.")
                    % {"name": name, "width": width, "height": height, "limit": limit // 1_000_000},
                    fields={"file": [_("Too many pixels.")]},
                )
            image.load()
            image = ImageOps.exif_transpose(image)
    except PortalError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse_content(name, _("Too many pixels."))
    except Exception:  # noqa: BLE001 — whatever Pillow cannot decode is refused the same way
        _refuse_content(name, _("The image could not be read."))
    if expected == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    if expected == "JPEG":
        image.save(out, "JPEG", quality=92)
    else:
        image.save(out, "PNG")
    return out.getvalue()


def _check_ooxml(upload, name):
    """A .docx/.xlsx is a zip package with its content types and main part; nothing inside is a program or a
    macro project, and it unpacks to no more than UPLOAD_MAX_UNZIPPED_BYTES."""
    extension = PurePosixPath(name).suffix.lower()
    upload.seek(0)
    try:
        package = zipfile.ZipFile(upload)
        entries = package.infolist()
    except Exception:  # noqa: BLE001 — whatever zipfile cannot open is refused the same way
        _refuse_content(name, _("The Office file is damaged or is not an Office file."))
    names = [entry.filename for entry in entries]
    lowered = [entry.lower() for entry in names]
    if "[content_types].xml" not in lowered or not any(n.startswith(OOXML_MAIN[extension]) for n in lowered):
        _refuse_content(name, _("The Office file is damaged or is not an Office file."))
    if sum(entry.file_size for entry in entries) > getattr(settings, "UPLOAD_MAX_UNZIPPED_BYTES", 200 * 1048576):
        _refuse_content(name, _("The Office file unpacks to too much data."))
    for entry, lower in zip(entries, lowered, strict=True):
        if lower.endswith(EXECUTABLE_NAMES) or PurePosixPath(lower).name in MACRO_PARTS:
            _refuse_content(name, _("The Office file contains a program or macros."))
        if entry.is_dir():
            continue
        try:
            with package.open(entry) as part:
                start = part.read(2)
                # an embedded object (a "package") can carry a program inside its own container
                rest = part.read() if lower.endswith(".bin") and "embeddings/" in lower else b""
        except Exception:  # noqa: BLE001 — a damaged, encrypted or unsupported part
            _refuse_content(name, _("The Office file is damaged or is not an Office file."))
        if start == b"MZ" or PE_STUB in rest:
            _refuse_content(name, _("The Office file contains a program or macros."))
    upload.seek(0)
    return None


def ooxml_check(content: bytes, name: str) -> None:
    """The Office-file check on bytes already read (an import): PortalError when they are not a safe package."""
    from django.core.files.base import ContentFile

    _check_ooxml(ContentFile(content, name=name), safe_name(name))


CONTENT_CHECKS = {
    ".pdf": _check_pdf,
    ".png": _check_image,
    ".jpg": _check_image,
    ".jpeg": _check_image,
    ".docx": _check_ooxml,
    ".xlsx": _check_ooxml,
}


# --- size, before the view -----------------------------------------------------------------------------------


def max_request_bytes() -> int:
    return getattr(settings, "UPLOAD_MAX_REQUEST_BYTES", 100 * 1024 * 1024)


def max_file_bytes() -> int:
    return getattr(settings, "UPLOAD_MAX_BYTES", 20 * 1024 * 1024)


class UploadTooLarge(RequestDataTooBig):
    """A file passed UPLOAD_MAX_BYTES while it streamed in: the request is not read further."""


class LimitedUploadHandler(FileUploadHandler):
    """First upload handler of every request (UploadLimitMiddleware puts it there): counts each file's bytes as
    they arrive and stops reading the request when one passes UPLOAD_MAX_BYTES, before the next handler keeps
    the chunk. The view never runs with the request half read."""

    def receive_data_chunk(self, raw_data, start):
        received = start + len(raw_data)
        if received > max_file_bytes():
            self.request.upload_refused = {"name": safe_name(self.file_name or ""), "received": received}
            for handler in self.request.upload_handlers:
                if getattr(handler, "file", None) is not None:
                    handler.file.close()
            raise UploadTooLarge(f"upload larger than {max_file_bytes()} bytes")
        return raw_data

    def file_complete(self, file_size):
        return None


class UploadLimitMiddleware:
    """413 for a body larger than UPLOAD_MAX_REQUEST_BYTES (by its Content-Length, nothing read) or holding a
    file larger than UPLOAD_MAX_BYTES (stopped while streaming); the API answers in its JSON error format.
    Placed before any middleware that reads the form."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > max_request_bytes():
            limit = max_request_bytes() // 1048576
            return self._refusal(
                request,
                _("The request is %(size).1f MB; at most %(limit)d MB go at once. Send fewer or smaller files.")
                % {"size": length / 1048576, "limit": limit},
            )
        request.upload_handlers.insert(0, LimitedUploadHandler(request))
        response = self.get_response(request)
        refused = getattr(request, "upload_refused", None)
        if refused is not None:
            return self._refusal(
                request,
                _("“%(name)s” is larger than %(limit)d MB; it was not received.")
                % {"name": refused["name"], "limit": max_file_bytes() // 1048576},
            )
        return response

    def _refusal(self, request, message):
        if request.path.startswith("/api/"):
            body = {"error": {"code": "too_large", "message": message, "fields": {"file": [_("Too large.")]}}}
            return JsonResponse(body, status=413)
        return render(request, "errors/413.html", {"language_next": "/", "message": message}, status=413)
