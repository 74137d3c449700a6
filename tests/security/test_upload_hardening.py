"""Uploads: a body too large is refused from its Content-Length without being read, a file too large stops while it
streams in, images are decoded under a pixel limit and stored re-encoded, Office files must be real OOXML with no
program or macro inside, and a polyglot (a file header in front of a page) is refused. Each refusal stores
nothing."""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from PIL import Image
from rest_framework.test import APIClient

from demo.activity import demo_pdf, demo_png
from enterprises.models import TargetEnterprise
from filings.models import Attachment
from filings.services import attachment_add
from portal.core.errors import PortalError
from portal.core.files import INLINE_POLICY, stored_file_response
from portal.core.roles import Role
from programs.models import Program
from tests.support.filings import SLUG, new_draft, stored_files
from tests.support.people import access_in, demo_user

pytestmark = pytest.mark.django_db
access_of = access_in(SLUG)
HTML = b"<html><body><script>fetch('/api/v1/me/').then(r=>r.text()).then(alert)</script></body></html>"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def draft():
    return new_draft(attach=False)


def add(application, name, content, kind="other"):
    upload = SimpleUploadedFile(name, content)
    return attachment_add(
        access=access_of(demo_user(Role.ENTERPRISE)), application=application, kind=kind, upload=upload
    )


def refused(application, name, content) -> dict:
    """Add the file, expect the refusal; nothing may be left behind. The refusal's fields."""
    before = stored_files()
    with pytest.raises(PortalError) as error:
        add(application, name, content)
    assert stored_files() == before and not Attachment.objects.filter(application=application).exists()
    return error.value.fields


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def huge_png(width=20000, height=20000) -> bytes:
    """A valid black-and-white PNG of width × height: a few hundred kilobytes that decode to 400 million pixels."""
    compressor, row = zlib.compressobj(9), b"\x00" + b"\x00" * ((width + 7) // 8)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return PNG_SIGNATURE + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", data) + png_chunk(b"IEND", b"")


def jpeg(exif=True) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (64, 48), (200, 40, 40))
    metadata = Image.Exif()
    metadata[0x010F] = "PhoneMaker"  # the camera's make; a photo's GPS position sits in the same block
    image.save(out, "JPEG", quality=90, **({"exif": metadata.tobytes()} if exif else {}))
    return out.getvalue()


def package(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


DOCX = {
    "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"/>',
    "_rels/.rels": b'<?xml version="1.0"?><Relationships/>',
    "word/document.xml": b'<?xml version="1.0"?><w:document/>',
}


# --- size ----------------------------------------------------------------------------------------------------


def test_a_body_over_the_request_limit_is_refused_from_its_content_length_unread(client, draft, settings):
    client.force_login(demo_user(Role.ENTERPRISE))
    url = f"/p/{SLUG}/filings/{draft.pk}/attachments/"
    length = str(settings.UPLOAD_MAX_REQUEST_BYTES + 1)
    # the body is ten bytes: reading the announced length from it would fail the request, not refuse it
    response = client.generic(
        "POST", url, b"0123456789", content_type="multipart/form-data; boundary=x", CONTENT_LENGTH=length
    )
    assert response.status_code == 413
    assert response.wsgi_request.environ["wsgi.input"].read_started is False
    api = APIClient()
    api.force_authenticate(demo_user(Role.ENTERPRISE))
    answer = api.generic(
        "POST",
        f"/api/v1/programs/{SLUG}/applications/{draft.pk}/attachments/",
        b"0123456789",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=length,
    )
    assert answer.status_code == 413 and answer.json()["error"]["code"] == "too_large"
    assert not Attachment.objects.filter(application=draft).exists()


def test_a_file_over_the_limit_stops_the_reading_while_it_streams_in(client, draft, settings):
    """The finding: a 21 MB body was received whole before the 20 MB refusal."""
    client.force_login(demo_user(Role.ENTERPRISE))
    before = stored_files()
    limit = settings.UPLOAD_MAX_BYTES
    body = demo_pdf("big") + b"0" * (21 * 1024 * 1024)
    response = client.post(
        f"/p/{SLUG}/filings/{draft.pk}/attachments/",
        {"kind": "contract", "file": SimpleUploadedFile("报价单.pdf", body)},
    )
    assert response.status_code == 413
    received = response.wsgi_request.upload_refused["received"]
    assert limit < received <= limit + 64 * 1024 < len(body)  # stopped at the limit, one chunk past it
    assert stored_files() == before and not Attachment.objects.filter(application=draft).exists()

    settings.UPLOAD_MAX_BYTES = 1024 * 1024  # the API the same way, with a smaller limit
    api = APIClient()
    api.force_authenticate(demo_user(Role.ENTERPRISE))
    answer = api.post(
        f"/api/v1/programs/{SLUG}/applications/{draft.pk}/attachments/",
        {"kind": "contract", "file": SimpleUploadedFile("报价单.pdf", demo_pdf("x") + b"0" * (2 * 1024 * 1024))},
        format="multipart",
    )
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "too_large" and "file" in answer.json()["error"]["fields"]
    assert stored_files() == before and not Attachment.objects.filter(application=draft).exists()


# --- images --------------------------------------------------------------------------------------------------


def test_an_image_of_400_million_pixels_is_refused_before_it_is_decoded(draft, settings):
    bomb = huge_png()
    assert len(bomb) < 1024 * 1024  # small on the wire
    assert "file" in refused(draft, "现场.png", bomb)
    settings.UPLOAD_MAX_IMAGE_PIXELS = 5000  # the limit is a setting: a 96 × 64 photo passes it now
    assert "file" in refused(draft, "现场.png", demo_png())


def test_images_are_stored_re_encoded_and_served_inline_in_a_sandbox(draft):
    original = demo_png()
    with_text = original[:-12] + png_chunk(b"tEXt", b"Comment\x00<b>not here</b>") + original[-12:]
    stored = add(draft, "现场.png", with_text)
    content = stored.file.open("rb").read()
    assert content.startswith(PNG_SIGNATURE) and b"tEXt" not in content and b"not here" not in content
    assert Image.open(io.BytesIO(content)).tobytes() == Image.open(io.BytesIO(original)).tobytes()
    assert stored.size == len(content) and stored.content_type == "image/png"
    response = stored_file_response(stored, inline=True)
    assert response["Content-Security-Policy"] == INLINE_POLICY and response["X-Content-Type-Options"] == "nosniff"
    assert not response.get("Content-Disposition", "").startswith("attachment")

    assert b"PhoneMaker" in jpeg(exif=True)
    photo = add(draft, "设备.jpg", jpeg(exif=True))
    content = photo.file.open("rb").read()
    assert content.startswith(b"\xff\xd8\xff") and b"PhoneMaker" not in content


# --- polyglots -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("现场.png", PNG_SIGNATURE + HTML),  # the finding: a PNG header followed by HTML
        ("现场.png", demo_png() + HTML),  # a whole PNG with a page after its end
        ("现场.jpg", jpeg(exif=False) + HTML),  # the same after a JPEG
        ("现场.jpg", b"\xff\xd8\xff\xe0" + HTML),
        ("合同.pdf", b"%PDF-1.4\n" + HTML + b"\n%%EOF\n"),  # what a browser would sniff as a page
        ("合同.pdf", b"%PDF-1.4\n1 0 obj <<>> endobj\n"),  # no end-of-file marker: not a whole PDF
    ],
    ids=["png-header-html", "png-then-html", "jpeg-then-html", "jpeg-header-html", "pdf-html", "pdf-no-eof"],
)
def test_a_polyglot_or_a_broken_file_is_refused(draft, name, content):
    assert "file" in refused(draft, name, content)


def test_a_real_pdf_passes(draft):
    assert add(draft, "合同.pdf", demo_pdf("contract"), kind="contract").size == len(demo_pdf("contract"))


# --- Office files --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "entries"),
    [
        ("合同.docx", {"setup.exe": b"MZ\x90\x00\x03" + b"\x00" * 64}),  # the finding: a zip of setup.exe
        ("合同.docx", {**DOCX, "word/embeddings/setup.exe": b"MZ\x90\x00"}),
        ("合同.docx", {**DOCX, "word/media/image1.png": b"MZ\x90\x00 a program under a picture's name"}),
        (
            "合同.docx",
            {**DOCX, "word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0" + b"This program cannot be run in DOS mode"},
        ),
        ("合同.docx", {**DOCX, "word/vbaProject.bin": b"\xd0\xcf\x11\xe0macros"}),
        ("合同.docx", {**DOCX, "word/run.js": b"WScript.Shell"}),
        ("报价单.xlsx", DOCX),  # a Word package named as a workbook
        ("合同.docx", {"word/document.xml": b"<w:document/>"}),  # no content types: not OOXML
    ],
    ids=["zip-of-exe", "embedded-exe", "mz-renamed", "package-object", "macros", "script", "wrong-kind", "no-types"],
)
def test_an_office_file_must_be_real_ooxml_without_programs(draft, name, entries):
    assert "file" in refused(draft, name, package(entries))


def test_real_office_files_pass_and_a_zip_bomb_does_not(draft, settings):
    book, out = Workbook(), io.BytesIO()
    book.active.append(["报价", 1000])
    book.save(out)
    assert add(draft, "报价单.xlsx", out.getvalue()).content_type.endswith("spreadsheetml.sheet")
    assert add(draft, "合同.docx", package(DOCX)).content_type.endswith("wordprocessingml.document")
    settings.UPLOAD_MAX_UNZIPPED_BYTES = 1024 * 1024
    assert "file" in refused_after(
        draft, "说明.docx", package({**DOCX, "word/media/pad.bin": b"\x00" * (2 * 1024 * 1024)})
    )


def refused_after(application, name, content) -> dict:
    """Refused, and no new attachment stored by the refusal (the application holds earlier ones)."""
    count, before = Attachment.objects.filter(application=application).count(), stored_files()
    with pytest.raises(PortalError) as error:
        add(application, name, content)
    assert stored_files() == before and Attachment.objects.filter(application=application).count() == count
    return error.value.fields


def test_the_target_list_import_checks_the_workbook_as_an_office_file():
    """A workbook openpyxl would read happily, with a program packed beside its sheets, imports nothing."""
    from enterprises.target_list import COLUMNS, target_list_import
    from tests.factories import valid_uscc

    program = Program.objects.get(slug=SLUG)
    book, out = Workbook(), io.BytesIO()
    book.active.append(COLUMNS)
    book.active.append([valid_uscc(), "武义带程序公司", "熟溪街道", "五金加工", "规上", "张三", "0579-1"])
    book.save(out)
    with zipfile.ZipFile(out, "a") as archive:
        archive.writestr("xl/media/setup.exe", b"MZ\x90\x00")
    count = TargetEnterprise.objects.filter(program=program).count()
    report = target_list_import(program=program, acting_user=demo_user(Role.BUREAU_ADMIN), content=out.getvalue())
    assert not report.ok and report.errors[0].row == 0
    assert TargetEnterprise.objects.filter(program=program).count() == count
