"""Seeded databases made once per test session and loaded again for each browser test.

Seeding the demo imports the catalogue and translates every page and question through
wagtail-localize: more than a minute on a 2-core machine, for each browser test that needs it.
``seeded(seed)`` runs an idempotent seed function the first time and keeps the database as it
leaves it; the next times it empties the database and loads that copy (a few seconds), then runs
the seed again, which finds everything in place and only returns what it returns.

Rows keep their ids and sequences keep their values, as after every transactional test, so
rows the test creates never take a loaded row's id. Files the seed wrote (certificate PDFs,
images) stay on disk for the whole session, where the loaded rows point.
"""

from collections.abc import Callable
from typing import TypeVar

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.db import connection, router, transaction
from django.db.migrations.loader import MigrationLoader

T = TypeVar("T")

_saved: dict[str, list[dict]] = {}


def seeded(seed: Callable[[], T]) -> T:
    """``seed()`` on the migrated database, from a copy kept since its first run in the session."""
    key = f"{seed.__module__}.{seed.__qualname__}"
    saved = _saved.get(key)
    if saved is not None:
        database_load(saved)
    result = seed()
    if saved is None:
        _saved[key] = database_dump()
    return result


def database_dump() -> list[dict]:
    """Every row, read as Django's serialized rollback reads the migrated database
    (``serialize_db_to_string``), with two differences: rows stay Python objects (JSON would cut
    times to the millisecond, and the certificates' completion keys hold the microseconds), and
    polymorphic models are read without django-polymorphic's manager, which returns each row as
    its subclass and so would leave the parent table's row out. Content types come first:
    Wagtail's workflow tasks look theirs up as they are built."""
    loader = MigrationLoader(connection)

    def rows():
        for app_config in apps.get_app_configs():
            if (
                app_config.models_module is None
                or app_config.label not in loader.migrated_apps
                or app_config.name in settings.TEST_NON_SERIALIZED_APPS
            ):
                continue
            for model in app_config.get_models():
                if not model._meta.can_migrate(connection) or not router.allow_migrate_model(
                    connection.alias, model
                ):
                    continue
                queryset = model._base_manager.using(connection.alias)
                if hasattr(queryset, "non_polymorphic"):
                    queryset = queryset.non_polymorphic()
                yield from queryset.order_by(model._meta.pk.name).iterator()

    objects = serializers.serialize("python", rows())
    objects.sort(key=lambda obj: not obj["model"].startswith("contenttypes."))
    return objects


def database_empty() -> None:
    """Delete every row, without the rows migrations add after a flush, and with sequences kept."""
    call_command(
        "flush",
        interactive=False,
        inhibit_post_migrate=True,
        reset_sequences=False,
        verbosity=0,
    )


def database_load(objects: list[dict]) -> None:
    """Empty the database and load ``objects`` (from ``database_dump``), as Django's
    ``deserialize_db_from_string`` loads the migrated database."""
    from django.contrib.contenttypes.models import ContentType

    database_empty()
    tables = set()
    with transaction.atomic():
        with connection.constraint_checks_disabled():
            for obj in serializers.deserialize("python", objects):
                obj.save()
                tables.add(obj.object._meta.db_table)
        connection.check_constraints(table_names=tables)
    ContentType.objects.clear_cache()
