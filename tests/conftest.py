import os

import pytest
from django.db import connection

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def pytest_report_header(config):
    from django.conf import settings

    return [
        f"database: {settings.DATABASES['default']['ENGINE']}",
        f"celery broker: {settings.CELERY_BROKER_URL or '(none: eager)'}",
        f"REQUIRE_SERVICES={int(REQUIRE_SERVICES)}",
    ]


def need(service: str, available: bool) -> None:
    """Skip a test whose service is missing, or fail it under REQUIRE_SERVICES=1."""
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{service} is required (REQUIRE_SERVICES=1) but not available")
    pytest.skip(f"{service} not available")


@pytest.fixture
def postgres(db):
    need("PostgreSQL", connection.vendor == "postgresql")
