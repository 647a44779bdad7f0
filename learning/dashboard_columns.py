"""Extra dashboard columns contributed by other apps, through a Wagtail hook.

``learning`` must not import the apps that build on it (``certificates`` reads ``learning``,
never the reverse), yet the dashboards show their numbers. An app adds columns by
registering a function under the hook ``learning_dashboard_columns`` that returns a
provider, an instance of a ``DashboardColumns`` subclass::

    # certificates/wagtail_hooks.py
    from wagtail import hooks

    from learning.dashboard_columns import Column, DashboardColumns, Link

    class CertificateColumns(DashboardColumns):
        employer_columns = (
            Column("certificates_valid", _("Certificates valid")),
            Column("certificates_expiring", _("Certificates expiring")),
        )
        learner_columns = (Column("certificate", _("Certificate")),)

        def employer_values(self, *, employer_ids, module_id):
            ...  # ONE query, grouped by employer
            return {employer_id: {"certificates_valid": 3, "certificates_expiring": 1}}

        def learner_values(self, *, rows):
            ...  # ONE query for all the (user_id, module_id) pairs
            return {(user_id, module_id): {"certificate": Link(_("View"), url)}}

    @hooks.register("learning_dashboard_columns")
    def certificate_columns():
        return CertificateColumns()

The contract:

- The hook function takes no arguments and returns a provider. It is called once per
  request (per export), so a provider may keep per-request state.
- ``employer_columns`` are added, in order, to every table with one row per employer (the
  SPO dashboard, an employer's summary) and their exports; ``learner_columns`` to the
  learner × module grids and their exports. Either may be empty. With no provider
  registered, no extra column appears anywhere.
- ``employer_values(employer_ids=..., module_id=...)`` receives the ids of the employers
  about to be shown (one page of the table, or one chunk of up to ``EXPORT_CHUNK`` rows of
  an export) and, when the person filtered by module, the source-language ``ModulePage``
  id (else None), which the values should then be restricted to. It returns
  ``{employer_id: {column key: value}}``.
- ``learner_values(rows=...)`` receives ``(user_id, module_id)`` pairs (``module_id`` is the
  source-language ``ModulePage`` id) and returns ``{(user_id, module_id): {key: value}}``.
- Each call must make at most ONE database query, whatever the number of ids: dashboards
  have query-count tests, and exports call it once per chunk of thousands of rows.
- Missing employers, pairs or keys show as "—" (and an empty cell in exports).
- A value is None, an int, a str, a date, a Decimal, or a ``Link`` (shown as a link on
  screen, exported as its URL). Labels and link texts are translated (lazily) by the
  provider; dates are formatted by the dashboards.
- The ids passed in are already scoped to what the requesting person may see; a provider
  must not show anything about other employers or people.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from wagtail import hooks

HOOK_NAME = "learning_dashboard_columns"
# Rows handed to providers at once during exports.
EXPORT_CHUNK = 2000


@dataclass(frozen=True)
class Column:
    """An extra column: ``key`` names it in the values a provider returns (and in CSS class
    names), ``label`` is its translated header."""

    key: str
    label: Any


@dataclass(frozen=True)
class Link:
    """A cell that links somewhere (a certificate, for example)."""

    text: Any
    url: str

    def __str__(self) -> str:
        return self.url


class DashboardColumns:
    """Base class of providers: no columns, no values. Subclasses override what they add."""

    employer_columns: Sequence[Column] = ()
    learner_columns: Sequence[Column] = ()

    def employer_values(
        self, *, employer_ids: list[int], module_id: int | None
    ) -> dict[int, dict[str, Any]]:
        return {}

    def learner_values(self, *, rows: list[tuple[int, int]]) -> dict[tuple[int, int], dict]:
        return {}


def column_providers() -> list[DashboardColumns]:
    """The registered providers, in hook order."""
    return [hook() for hook in hooks.get_hooks(HOOK_NAME)]


@dataclass
class ExtraColumns:
    """The columns that the registered providers add at one level ("employer" or
    "learner"), and their values for a batch of rows, in column order."""

    providers: list[DashboardColumns]
    level: str

    @property
    def columns(self) -> list[Column]:
        return [column for provider in self.providers for column in self._columns(provider)]

    def _columns(self, provider) -> Sequence[Column]:
        return provider.employer_columns if self.level == "employer" else provider.learner_columns

    def values(self, keys: Iterable, **kwargs) -> dict[Any, list]:
        """``{row key: [value per column]}`` for ``keys`` (employer ids, or (user, module)
        pairs): one provider call, hence one query, per provider that has columns."""
        keys = list(keys)
        cells: dict[Any, list] = {key: [] for key in keys}
        for provider in self.providers:
            columns = self._columns(provider)
            if not columns:
                continue
            if not keys:
                found = {}
            elif self.level == "employer":
                found = provider.employer_values(employer_ids=keys, **kwargs)
            else:
                found = provider.learner_values(rows=keys)
            for key in keys:
                row = found.get(key) or {}
                cells[key].extend(row.get(column.key) for column in columns)
        return cells


def extra_columns(level: str) -> ExtraColumns:
    """The extra columns at ``level`` ("employer" or "learner") for this request."""
    if level not in ("employer", "learner"):
        raise ValueError(level)
    return ExtraColumns(providers=column_providers(), level=level)
