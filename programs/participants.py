"""Who takes part in a program through another app's records: an enterprise through its profile, a provider
through the pool, a supervision firm through its assignments. Each such app registers a source in its `ready()`:
a function of the program giving a queryset of organisation ids. `programs.selectors.participating_organisations`
reads them with the tenant's own (organisations registered with the program, those of its role holders)."""

_SOURCES = []


def register(source) -> None:
    """`source(program)` → a queryset of the `organisation_id`s that take part in `program` through the caller's
    records."""
    _SOURCES.append(source)


def sources(program) -> list:
    return [source(program) for source in _SOURCES]
