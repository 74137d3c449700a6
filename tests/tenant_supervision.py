"""Program A's supervision records for the isolation walker (wired into `tenant_pair` in conftest)."""


def supervision_objects(program, application, provider, actor) -> list[str]:
    """Program A's supervision assignment, inspection with a photo, and rectification; returns the strings a
    leak shows."""
    return []
