from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cms.typography import french_catalog


def french_catalogs(base: Path) -> list[Path]:
    """Every app's French catalog: ``<app>/locale/fr/LC_MESSAGES/django.po``."""
    return sorted(base.glob("*/locale/fr/LC_MESSAGES/django.po"))


class Command(BaseCommand):
    help = (
        "Set French spacing (a no-break space before « : » and inside « », none before ; ! ?) "
        "in the translations of every app's French catalog. With --check, change nothing and "
        "fail if a translation needs it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="List the translations that need it and exit with status 1; change nothing.",
        )

    def handle(self, *args, check, **options):
        total = 0
        for path in french_catalogs(Path(settings.BASE_DIR)):
            text, changes = french_catalog(path.read_text(encoding="utf-8"))
            total += len(changes)
            relative = path.relative_to(settings.BASE_DIR)
            for before, after in changes if check else []:
                self.stderr.write(f"{relative}: {before!r} should be {after!r}")
            if changes and not check:
                path.write_text(text, encoding="utf-8")
                self.stdout.write(f"{relative}: {len(changes)} translations typeset.")
        if check and total:
            raise CommandError(f"{total} translations need French spacing.")
        if not total:
            self.stdout.write("Every French translation is typeset.")
