"""The documents lessons cite."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from courses.validators import validate_no_tracking


class Source(TranslatableMixin, index.Indexed, models.Model):
    """A document a lesson cites: a law, a commission's guide, an IRCC page.

    One row per language, sharing ``translation_key`` (and ``key``): each holds the title in its
    language, the address of the page in that language when one exists (``language`` says which
    language the page at ``url`` is in) and the date that page was last checked. A lesson's
    "Sources" block chooses rows; wagtail-localize maps them to the same source's row in the
    lesson's translation.
    """

    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        FRENCH = "fr", _("French")

    key = models.SlugField(
        _("key"),
        max_length=100,
        help_text=_("An identifier, the same in every language, e.g. nshrc-human-rights-act."),
    )
    title = models.CharField(_("title"), max_length=300)
    publisher = models.CharField(_("publisher"), max_length=200)
    year = models.PositiveSmallIntegerField(
        _("year"),
        validators=[MinValueValidator(1800), MaxValueValidator(2100)],
        help_text=_("Year of publication or of the last update."),
    )
    url = models.URLField(
        _("address"),
        max_length=500,
        validators=[validate_no_tracking],
        help_text=_("The page in this language when one exists, without tracking parameters."),
    )
    language = models.CharField(
        _("language of the page"),
        max_length=2,
        choices=Language.choices,
    )
    checked = models.DateField(
        _("last checked"), help_text=_("The date the link and what it supports were checked.")
    )

    # The identifier and the year are the same in every language; the title and publisher are
    # translated; the address may point to the page in the translation's language.
    translatable_fields = [
        SynchronizedField("key", overridable=False),
        TranslatableField("title"),
        TranslatableField("publisher"),
        SynchronizedField("year", overridable=False),
        SynchronizedField("url"),
        SynchronizedField("language"),
        SynchronizedField("checked"),
    ]

    search_fields = [
        index.SearchField("title"),
        index.SearchField("publisher"),
        index.AutocompleteField("title"),
        index.FilterField("locale"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["key"]
        constraints = [
            models.UniqueConstraint(fields=["key", "locale"], name="source_key_locale_unique"),
            models.CheckConstraint(
                condition=models.Q(language__in=["en", "fr"]), name="source_language_known"
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.publisher}, {self.year})"
