"""Program A's subcontracts for the isolation walker (wired into `tenant_pair` in conftest)."""


def subcontract_objects(program, application, actor) -> list[str]:
    """A subcontract of program A's filing, and a progress post on its part; returns the strings a leak shows."""
    return []
