"""PDF documents: a template rendered in Chinese and laid out by WeasyPrint (A4, Noto Sans CJK SC in the
templates' CSS). Kept apart from HTTP and Celery so the tasks, the tests and the benchmarks call the same thing."""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone, translation


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    pages: int


def render_pdf(template: str, context: dict) -> RenderedPdf:
    """Render `template` in Chinese, whatever language the requester used, and lay it out."""
    from weasyprint import HTML

    with translation.override("zh-hans"):
        html = render_to_string(template, {**context, "generated_at": timezone.localtime()})
    document = HTML(string=html).render()
    return RenderedPdf(content=document.write_pdf(), pages=len(document.pages))
