"""Editorial pages: the catalogue, modules, their lessons and final quiz, and programs."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.blocks import RICH_TEXT_FEATURES
from cms.routing import PathRoutingMixin
from courses.blocks import LessonStreamBlock
from courses.forms import ProgramPageForm, QuizPageForm
from courses.panels import QuestionBankPanel

PERCENT = [MinValueValidator(1), MaxValueValidator(100)]


class ModuleIndexPage(RoutablePageMixin, PathRoutingMixin, Page):
    """The catalogue of modules and programs in one language, with its feeds."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["courses.ModulePage", "courses.ProgramPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("module catalogue")
        verbose_name_plural = _("module catalogues")

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import catalogue_modules, catalogue_programs

        context = super().get_context(request, *args, **kwargs)
        context["modules"] = catalogue_modules(index=self)
        context["programs"] = catalogue_programs(index=self)
        return context

    @path("")
    def catalogue(self, request):
        return self.render(request)

    @path("feed/rss/", name="feed_rss")
    def feed_rss(self, request):
        from courses.feeds import ModulesRssFeed

        return ModulesRssFeed(self)(request)

    @path("feed/atom/", name="feed_atom")
    def feed_atom(self, request):
        from courses.feeds import ModulesAtomFeed

        return ModulesAtomFeed(self)(request)


class ModulePage(PathRoutingMixin, Page):
    """The unit settlement organizations assign: lessons, then a final quiz."""

    summary = models.TextField(_("summary"), help_text=_("One or two sentences for the catalogue."))
    learning_objectives = StreamField(
        [("objective", blocks.CharBlock(label=_("Objective"), max_length=300))],
        verbose_name=_("learning objectives"),
        help_text=_('Each completes the sentence "By the end you can…".'),
    )
    audience = models.TextField(_("audience"))
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"), validators=[MinValueValidator(1)]
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    certificate_validity_months = models.PositiveSmallIntegerField(
        _("certificate validity (months)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"), default=80, validators=PERCENT)
    content_last_reviewed = models.DateField(_("content last reviewed"))
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Raise it for a major change. Certificates record the version their holder completed."
        ),
    )
    self_enrolment = models.BooleanField(
        _("open to self-enrolment"),
        default=True,
        help_text=_("Anyone signed in may start it, without an assignment."),
    )
    recertify_below_version = models.PositiveIntegerField(
        _("renewal required below version"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2)],
        help_text=_(
            "After a major change: people who completed an earlier version than this one are "
            "asked to complete the module again. Leave empty otherwise."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("learning_objectives"),
        FieldPanel("audience"),
        FieldPanel("cover_image"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("estimated_minutes"), FieldPanel("pass_mark")]),
                FieldRowPanel(
                    [FieldPanel("certificate_validity_months"), FieldPanel("self_enrolment")]
                ),
                FieldRowPanel([FieldPanel("content_last_reviewed"), FieldPanel("version")]),
                FieldPanel("recertify_below_version"),
            ],
            heading=_("Completion and certificate"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("learning_objectives"),
        index.SearchField("audience"),
    ]
    parent_page_types = ["courses.ModuleIndexPage"]
    subpage_types = ["courses.LessonPage", "courses.QuizPage"]

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import module_outline

        context = super().get_context(request, *args, **kwargs)
        context["outline"] = module_outline(page=self)
        return context

    @cached_property
    def live_steps(self) -> list["LessonPage | QuizPage"]:
        """The live lessons and quiz below this module, in editorial order, with their own
        fields. One query, kept on the instance."""
        children = (
            Page.objects.child_of(self)
            .live()
            .type(LessonPage, QuizPage)
            .select_related("lessonpage", "quizpage")
            .order_by("path")
        )
        return [
            child.lessonpage if child.specific_class is LessonPage else child.quizpage
            for child in children
        ]

    def route(self, request, path_components):
        # A lesson or the quiz comes from ``live_steps``, which the page's outline reads too.
        if len(path_components) == 1:
            for step in self.live_steps:
                if step.slug == path_components[0]:
                    step._cached_parent_obj = self
                    return step.route(request, [])
        return super().route(request, path_components)


class LessonPage(Page):
    summary = models.TextField(_("summary"), blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"), default=5, validators=[MinValueValidator(1)]
    )
    body = StreamField(LessonStreamBlock(), verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("estimated_minutes"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["courses.ModulePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import module_outline

        context = super().get_context(request, *args, **kwargs)
        context["outline"] = module_outline(page=self)
        return context


class QuizPage(Page):
    """The module's final assessment. Its questions are snippets pointing at it (the bank);
    an attempt draws from them according to these settings."""

    class FeedbackMode(models.TextChoices):
        ALWAYS = "always", _("Always show correct answers")
        AFTER_PASS = "after_pass", _("Show correct answers only after a pass")
        NEVER = "never", _("Never reveal correct answers")

    intro = models.TextField(_("introduction"), blank=True)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        null=True,
        blank=True,
        validators=PERCENT,
        help_text=_("Leave empty to use the module's pass mark."),
    )
    questions_to_draw = models.PositiveSmallIntegerField(
        _("questions per attempt"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Drawn at random from the bank. Leave empty to ask every question."),
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=True)
    shuffle_choices = models.BooleanField(_("shuffle answers"), default=True)
    max_attempts = models.PositiveSmallIntegerField(
        _("maximum attempts"), default=0, help_text=_("0 means unlimited.")
    )
    cooldown_minutes = models.PositiveIntegerField(_("wait between attempts (minutes)"), default=0)
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for no time limit. Learners can ask for more time."),
    )
    feedback_mode = models.CharField(
        _("answer feedback"),
        max_length=20,
        choices=FeedbackMode.choices,
        default=FeedbackMode.ALWAYS,
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("pass_mark"), FieldPanel("questions_to_draw")]),
                FieldRowPanel([FieldPanel("shuffle_questions"), FieldPanel("shuffle_choices")]),
                FieldRowPanel([FieldPanel("max_attempts"), FieldPanel("cooldown_minutes")]),
                FieldRowPanel([FieldPanel("time_limit_minutes"), FieldPanel("feedback_mode")]),
            ],
            heading=_("Quiz settings"),
            help_text=_(
                "When the module belongs to a program with a certification policy, the policy's "
                "rules replace these settings."
            ),
        ),
        QuestionBankPanel(heading=_("Question bank")),
    ]
    base_form_class = QuizPageForm
    parent_page_types = ["courses.ModulePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import module_outline

        context = super().get_context(request, *args, **kwargs)
        context["outline"] = module_outline(page=self)
        return context

    @property
    def effective_pass_mark(self) -> int:
        """The pass mark in percent: the quiz's own, or else its module's."""
        if self.pass_mark is not None:
            return self.pass_mark
        return self.get_parent().specific.pass_mark


class ProgramPage(Page):
    """A bundle of modules, e.g. the AIP intercultural competency program."""

    summary = models.TextField(_("summary"))
    body = RichTextField(_("description"), blank=True, features=RICH_TEXT_FEATURES)
    issues_certificate = models.BooleanField(
        _("issues its own certificate"),
        default=True,
        help_text=_("When every module in it is complete."),
    )
    certificate_validity_months = models.PositiveSmallIntegerField(
        _("certificate validity (months)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    version = models.PositiveIntegerField(
        _("version"), default=1, validators=[MinValueValidator(1)]
    )
    certification_policy = models.ForeignKey(
        "courses.CertificationPolicy",
        verbose_name=_("certification policy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programs",
        help_text=_(
            "The rules every module quiz of this program follows: questions drawn per attempt, "
            "attempts and waits, feedback and time limit."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("program_modules", label=_("Modules"), min_num=1),
        MultiFieldPanel(
            [
                FieldPanel("issues_certificate"),
                FieldRowPanel([FieldPanel("certificate_validity_months"), FieldPanel("version")]),
                FieldPanel("certification_policy"),
            ],
            heading=_("Certificate"),
        ),
    ]
    base_form_class = ProgramPageForm
    parent_page_types = ["courses.ModuleIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import program_modules

        context = super().get_context(request, *args, **kwargs)
        context["modules"] = program_modules(program=self)
        return context


class ProgramModule(Orderable):
    """A module in a program. Points at the source-language module; pages are localized when
    shown, so one list serves every translation of the program."""

    program = ParentalKey(ProgramPage, on_delete=models.CASCADE, related_name="program_modules")
    module = models.ForeignKey(
        ModulePage, verbose_name=_("module"), on_delete=models.PROTECT, related_name="+"
    )

    panels = [FieldPanel("module")]

    class Meta(Orderable.Meta):
        verbose_name = _("program module")
        verbose_name_plural = _("program modules")
        constraints = [
            models.UniqueConstraint(fields=["program", "module"], name="program_module_unique")
        ]
