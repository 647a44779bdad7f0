"""One lookup per verification: the certificate, found through the index on its code, and
the audit event that records the verification."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certificates.codes import code_display, code_generate
from tests.factories.certificates import CertificateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate():
    return CertificateFactory()


def test_api_lookup_takes_one_query_and_logs_it(client, certificate, django_assert_num_queries):
    # The certificate by its code (with its successor, if any); the audit event.
    with django_assert_num_queries(2):
        response = client.get(f"/api/v1/certificates/{certificate.code}")

    assert response.json()["status"] == "valid"


def test_page_lookup_takes_one_query_and_logs_it(client, certificate, django_assert_num_queries):
    # The same two as the API: the page adds none.
    with django_assert_num_queries(2):
        response = client.get(f"/en/verify/{code_display(certificate.code)}/")

    assert response.status_code == 200


def test_an_unknown_code_takes_the_same_single_lookup(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/certificates/{code_generate()}")

    lookups = [q for q in queries.captured_queries if '"certificates_certificate"' in q["sql"]]
    assert response.status_code == 404
    assert len(lookups) == 1


def test_the_lookup_is_answered_by_the_index_on_the_code(postgres, client, certificate):
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/api/v1/certificates/{certificate.code}")
    lookup = next(q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT"))

    # With sequential scans priced out, the plan shows whether an index can answer it.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {lookup}")
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "Index Scan using certificates_certificate_code" in plan
    assert "Seq Scan on certificates_certificate" not in plan
