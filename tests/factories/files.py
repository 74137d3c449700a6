"""The row of a stored file (portal.core.files.StoredFile): `content` is what the file holds, `filename` the name it
is stored under."""

import hashlib

import factory
from django.core.files.base import ContentFile

from tests.factories.base import UserFactory


class StoredFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    class Params:
        content = b"%PDF-1.4\n%%EOF\n"
        filename = factory.LazyAttribute(lambda o: o.original_name)

    file = factory.LazyAttribute(lambda o: ContentFile(o.content, name=o.filename))
    original_name = "文件.pdf"
    content_type = "application/pdf"
    size = factory.LazyAttribute(lambda o: len(o.content))
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.content).hexdigest())
    uploaded_by = factory.SubFactory(UserFactory)
