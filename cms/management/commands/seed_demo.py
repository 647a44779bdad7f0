from django.core.management.base import BaseCommand

from cms.demo import seed_site
from learning.demo import seed_accounts


class Command(BaseCommand):
    help = (
        "Create the bilingual demo site and demo accounts. Idempotent: a second run changes "
        "nothing. Prints one 'DEMO <role> <email> <password>' line per account."
    )

    def handle(self, *args, **options):
        accounts = seed_accounts()
        seed_site()
        for role, email, password in accounts:
            self.stdout.write(f"DEMO {role} {email} {password}")
