"""Private files (contracts, evidence, case documents): one abstract model, one way in, one way out.

Files are stored under `private/`, which the web server never serves; they leave only through views that
first check the reader's access to the record the file belongs to.
"""

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _

from portal.core.models import BaseModel
from portal.core.services import record_save
from portal.core.uploads import check_upload

INLINE_TYPES = ("image/png", "image/jpeg")
# an image opened on its own is a document: it may run nothing, load nothing, and is a sandboxed origin
INLINE_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def _stored_file_path(instance, filename):
    return instance.storage_path(filename)


class StoredFile(BaseModel):
    """A checked upload. `is_active` False once taken off its record; the file and row stay for the record."""

    file = models.FileField(_("file"), upload_to=_stored_file_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.original_name

    def storage_path(self, filename: str) -> str:
        raise NotImplementedError

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def shows_inline(self) -> bool:
        """Only the image types the upload check decodes and re-encodes are ever shown in the browser."""
        return self.content_type in INLINE_TYPES


def stored_file_save(instance: StoredFile, *, upload, acting_user, reason: str, checked=None) -> StoredFile:
    """Check `upload`, store it and save `instance` with it. A refused or failed save leaves no row and no file.

    `checked`: the result of an earlier `check_upload(upload)` when the caller needed it before locking rows.
    What is stored is the checked content (an image re-encoded) when the check produced one."""
    checked = checked or check_upload(upload)
    instance.original_name = checked.name
    instance.content_type = checked.content_type
    instance.size = checked.size
    instance.sha256 = checked.sha256
    instance.uploaded_by = acting_user
    stored = None
    try:
        with transaction.atomic():
            content = upload if checked.content is None else ContentFile(checked.content)
            instance.file.save(checked.stored_name, content, save=False)
            stored = instance.file.name
            return record_save(instance, acting_user=acting_user, reason=reason)
    except Exception:
        if stored:
            instance.file.storage.delete(stored)
        raise


def stored_file_response(item: StoredFile, *, inline: bool = False) -> FileResponse:
    """The file as a download (or inline for PNG/JPEG images); the caller has checked access to its record."""
    shown = inline and item.shows_inline
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=not shown,
        filename=item.original_name,
        content_type=item.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    if shown:
        response["Content-Security-Policy"] = INLINE_POLICY
    return response
