"""Checks every upload passes before anything is written: type by content, size, and a safe file name."""

import hashlib
import re
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
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


def safe_name(raw: str) -> str:
    """The last path component, without control characters, path separators or leading dots."""
    name = PurePosixPath((raw or "").replace("\\", "/")).name
    name = unicodedata.normalize("NFC", name)
    name = re.sub(r"[\x00-\x1f<>:\"/\\|?*]", "_", name).strip().lstrip(".")
    return name[:150] or "file"


def check_upload(upload) -> CheckedUpload:
    """Refuse a file whose type (by extension and content) or size is not allowed; read nothing else."""
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
    head = upload.read(16)
    if not any(head.startswith(magic) for magic in magics):
        raise PortalError(
            _("“%(name)s” does not contain what its extension says; it was not stored.") % {"name": name},
            fields={"file": [_("Content does not match the type.")]},
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(
        name=name,
        stored_name=f"{uuid.uuid4().hex}{extension}",
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
    )
