"""Acceptance in the API, one module per family: the reviews (request, co-signature, panel, sheets, audit,
result), the public announcement with its objections, and the digital-level assessments of a project."""
