"""Acceptance pages (验收), one module per family: the reviews (list, request, the review's page, co-signature),
the panel's work (seating, sheets, audit, result), the public announcement (公示) with its objections, and the
digital-level assessments of a project.

Thin like the other apps' views: each resolves its objects through `acceptance.selectors`, calls a service for
any change, and renders."""
