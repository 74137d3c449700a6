"""The tests build their database from the models (`--no-migrations`); `make run` and every deployment build it
from the migrations. This checks that the migrations build every table the models read, so a model whose table
no migration creates (a moved model that lost its table's name) fails here rather than in the demo."""

import os
import sqlite3
import subprocess
import sys

from django.apps import apps

from tests.support.paths import ROOT


def model_tables() -> set[str]:
    return {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def test_the_migrations_create_every_table_the_models_read(tmp_path):
    database = tmp_path / "migrated.sqlite3"
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=environment, check=True)
    with sqlite3.connect(database) as connection:
        migrated = {row[0] for row in connection.execute("select name from sqlite_master where type = 'table'")}
    assert model_tables() - migrated == set()
