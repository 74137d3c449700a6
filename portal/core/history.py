"""Readable change history (who, when, each field before and after) from django-simple-history rows."""

from dataclasses import dataclass, field


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: object
    who: str
    kind: str
    reason: str
    changes: list[FieldChange] = field(default_factory=list)


KIND_LABELS = {"+": "created", "~": "changed", "-": "removed"}


def history_entries(instance, *, limit=200) -> list[HistoryEntry]:
    """Newest first. Each entry lists the fields it changed with their values before and after."""
    records = list(instance.history.select_related("history_user").order_by("-history_date", "-history_id")[:limit])
    model = type(instance)
    entries = []
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None:
            delta = record.diff_against(previous, foreign_keys_are_objs=False)
            for change in delta.changes:
                model_field = model._meta.get_field(change.field)
                changes.append(
                    FieldChange(
                        label=str(model_field.verbose_name),
                        old=_display(model_field, change.old),
                        new=_display(model_field, change.new),
                    )
                )
        else:
            for model_field in model._meta.concrete_fields:
                if model_field.name in {"id", "created_at", "updated_at"}:
                    continue
                value = getattr(record, model_field.attname, None)
                if value not in (None, ""):
                    changes.append(FieldChange(str(model_field.verbose_name), "", _display(model_field, value)))
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=str(record.history_user) if record.history_user else "",
                kind=KIND_LABELS.get(record.history_type, record.history_type),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries


def _display(model_field, value) -> str:
    if value is None:
        return ""
    if model_field.is_relation and model_field.related_model is not None:
        return _related_label(model_field.related_model, value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, list):  # many-to-many ids
        return ", ".join(str(item) for item in value)
    return str(value)


def _related_label(model, pk) -> str:
    related = model._base_manager.filter(pk=pk).first()
    return str(related) if related is not None else f"#{pk}"
