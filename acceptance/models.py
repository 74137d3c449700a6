"""Acceptance reviews (验收) arrive with the acceptance issue; this app owns them."""
