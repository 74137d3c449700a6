from django.db import migrations


class Migration(migrations.Migration):
    """The parameters' history table kept its name when the model moved here, as the other moved tables did: only
    Django's picture of it changes (0001 recorded it under this app's name, a table no migration creates)."""

    dependencies = [
        ("policies", "0001_moved_from_subsidies"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterModelTable(
                    name="historicalpolicyparameter",
                    table="subsidies_historicalpolicyparameter",
                ),
            ],
        ),
    ]
