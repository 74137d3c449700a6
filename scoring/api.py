from rest_framework import serializers

from portal.core.errors import PortalError
from portal.core.fields import AsciiDecimalSerializerField


class SheetItemOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    name = serializers.CharField(source="display_name")
    max_points = AsciiDecimalSerializerField(max_digits=6, decimal_places=2)
    is_bonus = serializers.BooleanField()


class SheetSectionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    name = serializers.CharField(source="display_name")
    items = SheetItemOutput(many=True)


def item_errors_as_scores(error: PortalError) -> PortalError:
    """The sheet check (`scoring.sheets`) names an item's error `item_<id>`; the API's input names it
    `scores.<id>`."""
    items = {key: value for key, value in error.fields.items() if key.startswith("item_")}
    if items:
        rest = {key: value for key, value in error.fields.items() if key not in items}
        error.fields = {**rest, "scores": {key.removeprefix("item_"): value for key, value in items.items()}}
    return error
