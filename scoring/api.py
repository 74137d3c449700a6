from rest_framework import serializers

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
