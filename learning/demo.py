"""Demo accounts. Each is printed as ``DEMO <role> <email> <password>``."""

from django.contrib.auth.models import Group
from django.db import transaction

from learning.models import User

DEMO_ACCOUNTS = [
    # role, email, password, flags
    ("superuser", "admin@example.com", "demo-admin-2026-welcome", {"is_superuser": True}),
    ("editor", "editor@example.com", "demo-editor-2026-welcome", {"groups": ["Editors"]}),
]


@transaction.atomic
def seed_accounts() -> list[tuple[str, str, str]]:
    """Create the demo accounts once; a second run leaves them as they are."""
    lines = []
    for role, email, password, flags in DEMO_ACCOUNTS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(
                email=email,
                first_name=role.capitalize(),
                last_name="Demo",
                is_staff=True,
                is_superuser=flags.get("is_superuser", False),
            )
            user.set_password(password)
            user.full_clean()
            user.save()
            for name in flags.get("groups", []):
                user.groups.add(Group.objects.get(name=name))
        elif not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        lines.append((role, email, password))
    return lines
