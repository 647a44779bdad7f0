"""A PostgreSQL sequence hands out positions in the Bitstring Status List: ``nextval`` never
returns the same number twice, whatever the concurrency, and is not rolled back (gaps are
harmless: an unused position is simply never set). Other databases fall back to max + 1,
retried on the unique constraint (see certificates.services)."""

from django.db import migrations

SEQUENCE = "certificate_status_index"


def create_sequence(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Certificate = apps.get_model("certificates", "Certificate")
    table = schema_editor.quote_name(Certificate._meta.db_table)
    schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE} MINVALUE 0 START WITH 0")
    # Certificates issued before the sequence existed keep their positions.
    schema_editor.execute(
        f"SELECT setval('{SEQUENCE}', COALESCE((SELECT MAX(status_index) + 1 FROM {table}), 0), false)"
    )


def drop_sequence(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")


class Migration(migrations.Migration):
    dependencies = [("certificates", "0001_initial")]

    operations = [migrations.RunPython(create_sequence, drop_sequence)]
