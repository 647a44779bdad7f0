from django.core.management.base import BaseCommand

from courses.content_review import CHECK_INTERVAL_MONTHS, sources_to_check


class Command(BaseCommand):
    help = (
        "List the sources lessons cite whose link and claims were last checked 12 months ago "
        "or more (one line per language), oldest first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--months",
            type=int,
            default=CHECK_INTERVAL_MONTHS,
            help="List sources not checked for this many months (default: 12).",
        )

    def handle(self, *args, months, **options):
        stale = list(sources_to_check(months=months))
        for source in stale:
            self.stdout.write(
                f"{source.checked.isoformat()}  {source.locale.language_code}  {source.key}  "
                f"{source.title} ({source.publisher})  {source.url}"
            )
        if stale:
            self.stdout.write(f"{len(stale)} sources to check.")
        else:
            self.stdout.write(f"Every source was checked in the last {months} months.")
