"""What each URL path parameter names, so that generic tools (the isolation walker, link checkers) can fill
any route with a program's objects without knowing the route.

Each app registers its parameters next to its URLs: `register("enterprise", "enterprises.EnterpriseProfile")`
says that `<int:enterprise>` is the primary key of an EnterpriseProfile, found under a program through
`program_path`.
"""

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class PathParameter:
    name: str
    model: str  # "app_label.ModelName"
    program_path: str = "program"  # lookup from the model to its Program


PATH_PARAMETERS: dict[str, PathParameter] = {}


def register(name: str, model: str, program_path: str = "program") -> None:
    """Bind `<name>` to `model`. A name means one model everywhere: binding it again to the same model (a page
    and its API) is allowed, to another one is refused, so no route is ever filled with the wrong objects."""
    parameter = PathParameter(name, model, program_path)
    known = PATH_PARAMETERS.setdefault(name, parameter)
    if known != parameter:
        raise ImproperlyConfigured(f"URL parameter <{name}> is bound to {known.model} already, not to {model}")
