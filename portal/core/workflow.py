"""A workflow as data: for each action on an object, the states it may start from; and the one check every
service makes before it changes the object. A refusal is a `Conflict` (409) that names the object's state and
the action, and is raised before anything is written."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from portal.core.errors import Conflict


@dataclass(frozen=True)
class Step:
    label: str
    sources: frozenset


class Workflow:
    """`steps` maps an action's name to its label and the states it starts from; `noun` names the object in a
    refusal ("The acceptance review"); `choices` is the model's status choices, for the state's label."""

    def __init__(self, *, noun, choices, steps: dict[str, tuple[str, Iterable[str]]]):
        self.noun, self.choices = noun, choices
        self.steps = {name: Step(label, frozenset(sources)) for name, (label, sources) in steps.items()}
        unknown = {state for step in self.steps.values() for state in step.sources} - set(choices.values)
        if unknown:
            raise ValueError(f"unknown states {sorted(unknown)}")

    def sources(self, action: str) -> frozenset:
        return self.steps[action].sources

    def allows(self, action: str, status: str) -> bool:
        return status in self.steps[action].sources

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
