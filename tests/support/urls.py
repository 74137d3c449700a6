"""Reversing a program's routes."""

from django.urls import reverse


def urls_in(namespace: str, slug: str):
    """`url(name, slug, **kwargs)`: the route `namespace:name` in the program `slug` (the one given here by
    default; `program=` names another as well)."""

    def url(name: str, slug: str = slug, **kwargs) -> str:
        return reverse(f"{namespace}:{name}", kwargs={"program": slug, **kwargs})

    return url
