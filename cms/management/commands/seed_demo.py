from django.core.management.base import BaseCommand

from certificates.demo import seed_certificates
from cms.demo import seed_site
from courses.demo import seed_catalogue
from learning.demo import seed_accounts, seed_learner, seed_organizations


def demo_seed() -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    """The demo (site, catalogue, organizations with learners in every state, certificates):
    its accounts as (role, email, password) and certificates as (state, display code)."""
    accounts = seed_accounts()
    seed_site()
    seed_catalogue()
    accounts.append(seed_learner())
    accounts += seed_organizations()
    return accounts, seed_certificates()


class Command(BaseCommand):
    help = (
        "Create the bilingual demo site and demo accounts. Idempotent: a second run changes "
        "nothing. Prints one 'DEMO <role> <email> <password>' line per account and one "
        "'CERT <valid|revoked|expired> <code>' line per demo certificate state."
    )

    def handle(self, *args, **options):
        accounts, certificates = demo_seed()
        for role, email, password in accounts:
            self.stdout.write(f"DEMO {role} {email} {password}")
        for state, code in certificates:
            self.stdout.write(f"CERT {state} {code}")
