"""A workflow as data: for each action on an object, the states it may start from, the states it may reach, who
may take it and whether it needs a comment; the one check every service makes before it changes the object, and
the list of what a person may do now that pages and the API show. A refusal is a `Conflict` (409) that names the
object's state and the action, and is raised before anything is written."""

from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.utils.translation import gettext as _

from portal.core.errors import Conflict
from portal.core.roles import Role


@dataclass(frozen=True)
class Step:
    """One action. `targets`: the states it may leave the object in, one or several when the outcome decides
    (close → passed | failed); a step that changes something on the object but not its state names its sources.
    `roles`: who may take it (what is the person's own, a seat, a project, a run they created, the service checks
    apart). A step declared as a bare (label, sources) pair names neither, and is never offered by `available`."""

    name: str
    label: str
    sources: frozenset
    targets: frozenset = frozenset()
    roles: frozenset = frozenset()
    needs_comment: bool = False

    @property
    def target(self) -> str:
        """The state the step reaches, for a step that reaches exactly one."""
        (target,) = self.targets
        return target


def step(label, sources: Iterable[str], *, to: Iterable[str], roles: Iterable[str], needs_comment: bool = False):
    """A step for `Workflow(steps=...)`, which names it after its key."""
    return Step("", label, frozenset(sources), frozenset(to), frozenset(roles), needs_comment)


_NAMED: dict[str, "Workflow"] = {}


def workflow_named(name: str) -> "Workflow":
    """The workflow registered under `name` (templates name it: they cannot import the app that declares it)."""
    try:
        return _NAMED[name]
    except KeyError:
        raise LookupError(f"no workflow named {name!r}; known: {sorted(_NAMED)}") from None


class Workflow:
    """`steps` maps an action's name to its `step(...)` (or a bare (label, sources) pair); `noun` names the object
    in a refusal ("The acceptance review"); `choices` is the model's status choices, for the state's label; `name`
    registers the workflow for `workflow_named`."""

    def __init__(self, *, noun, choices, steps: dict, name: str = ""):
        self.noun, self.choices, self.name = noun, choices, name
        self.steps = {
            action: replace(spec, name=action) if isinstance(spec, Step) else Step(action, spec[0], frozenset(spec[1]))
            for action, spec in steps.items()
        }
        named = {state for spec in self.steps.values() for state in spec.sources | spec.targets}
        unknown = named - set(choices.values)
        if unknown:
            raise ValueError(f"unknown states {sorted(unknown)}")
        roles = {role for spec in self.steps.values() for role in spec.roles} - set(Role.values)
        if roles:
            raise ValueError(f"unknown roles {sorted(roles)}")
        if name:
            if name in _NAMED:
                raise ValueError(f"a workflow named {name!r} is already declared")
            _NAMED[name] = self

    def __deepcopy__(self, memo):
        return self  # a table declared once; an API field copies its arguments with each serializer

    def sources(self, action: str) -> frozenset:
        return self.steps[action].sources

    def targets(self, action: str) -> frozenset:
        return self.steps[action].targets

    def allows(self, action: str, status: str) -> bool:
        return status in self.steps[action].sources

    def available(self, status: str, roles) -> list[Step]:
        """The steps a person holding `roles` may take on an object in `status`, in the order declared."""
        roles = set(roles)
        return [spec for spec in self.steps.values() if status in spec.sources and spec.roles & roles]

    def require(self, action: str, status: str, *, field: str = "status") -> None:
        """Raise `Conflict` unless `action` may start from `status`; the error names the state under `field`
        (the form field it concerns, when a form chose the object)."""
        if status not in self.steps[action].sources:
            message = _("%(noun)s is “%(status)s”: “%(action)s” is not possible now.") % {
                "noun": self.noun,
                "status": self.choices(status).label,
                "action": self.steps[action].label,
            }
            raise Conflict(message, fields={field: [message]})
