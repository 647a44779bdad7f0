from django.core.management.base import BaseCommand, CommandError

from courses.selectors import live_translation_problems


class Command(BaseCommand):
    help = (
        "Fail (exit status 1) if any live page or live quiz question lacks a live, up-to-date "
        "translation in every other site language."
    )

    def handle(self, *args, **options):
        problems = live_translation_problems()
        for status in problems:
            kind = status.source._meta.verbose_name
            self.stderr.write(
                f"{status.locale.language_code}: {kind} “{status.source}” "
                f"(id {status.source.pk}): {status.label}"
                + (f" ({status.untranslated} untranslated)" if status.untranslated else "")
            )
        if problems:
            raise CommandError(f"{len(problems)} translations are missing or out of date.")
        self.stdout.write("Every live page and question has an up-to-date translation.")
