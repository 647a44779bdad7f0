"""StreamField blocks for lessons: what an instructional designer needs beyond the shared ones."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from cms.blocks import RICH_TEXT_FEATURES, BaseStreamBlock


class ScenarioBlock(blocks.StructBlock):
    """A workplace situation, a question to reflect on, and an expert answer revealed on request."""

    title = blocks.CharBlock(label=_("Title"), max_length=200)
    situation = blocks.RichTextBlock(label=_("Situation"), features=RICH_TEXT_FEATURES)
    question = blocks.TextBlock(label=_("Reflection question"))
    expert_answer = blocks.RichTextBlock(label=_("Expert answer"), features=RICH_TEXT_FEATURES)

    class Meta:
        description = _(
            "A workplace situation, a question to reflect on, and an expert answer readers reveal."
        )
        icon = "group"
        label = _("Scenario")
        template = "blocks/scenario_block.html"
        preview_value = {
            "title": "The quiet new hire",
            "situation": "<p>A new welder never asks questions in team meetings.</p>",
            "question": "What could you try before the next meeting?",
            "expert_answer": "<p>Ask for questions one-on-one, and in writing.</p>",
        }


class ChecklistBlock(blocks.StructBlock):
    """Actions to take, printable on their own."""

    title = blocks.CharBlock(label=_("Title"), max_length=200)
    intro = blocks.TextBlock(label=_("Introduction"), required=False)
    items = blocks.ListBlock(
        blocks.CharBlock(label=_("Item"), max_length=300), label=_("Items"), min_num=1
    )

    class Meta:
        description = _("Actions to take, which readers can tick and print.")
        icon = "tasks"
        label = _("Printable checklist")
        template = "blocks/checklist_block.html"
        preview_value = {
            "title": "Before the first day",
            "intro": "Tick each item as you go.",
            "items": ["Name a buddy", "Write down the first week's schedule"],
        }


class KeyTakeawaysBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    items = blocks.ListBlock(
        blocks.CharBlock(label=_("Item"), max_length=300), label=_("Items"), min_num=1
    )

    class Meta:
        description = _("The few points to remember, usually at the end of a lesson.")
        icon = "pick"
        label = _("Key takeaways")
        template = "blocks/key_takeaways_block.html"
        preview_value = {
            "title": "Key takeaways",
            "items": ["Intercultural competence is learned.", "Start with your own habits."],
        }


class KnowledgeCheckChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Answer"), max_length=300)
    correct = blocks.BooleanBlock(label=_("Correct"), required=False)
    feedback = blocks.TextBlock(label=_("Feedback"))


class KnowledgeCheckBlock(blocks.StructBlock):
    """An ungraded question inside a lesson. Nothing is recorded: it helps the reader check
    their understanding, so its answers may appear in the page."""

    question = blocks.TextBlock(label=_("Question"))
    choices = blocks.ListBlock(KnowledgeCheckChoiceBlock(), label=_("Answers"), min_num=2)

    class Meta:
        description = _("An ungraded question with feedback on each answer; nothing is recorded.")
        icon = "help"
        label = _("Knowledge check (ungraded)")
        template = "blocks/knowledge_check_block.html"
        preview_value = {
            "question": "Who shares the work of welcoming newcomers?",
            "choices": [
                {"text": "The whole community", "correct": True, "feedback": "Right."},
                {"text": "Newcomers alone", "correct": False, "feedback": "It goes both ways."},
            ],
        }

    def clean(self, value):
        value = super().clean(value)
        if not any(choice["correct"] for choice in value["choices"]):
            raise ValidationError(_("Mark at least one answer as correct."))
        return value


class SourcesBlock(blocks.ListBlock):
    """The documents a lesson relies on, listed at its end with links to them."""

    def __init__(self, **kwargs):
        super().__init__(SnippetChooserBlock("courses.Source", label=_("Source")), **kwargs)

    class Meta:
        icon = "link-external"
        label = _("Sources")
        description = _("The documents this lesson relies on. Put this block last.")
        template = "blocks/sources_block.html"
        min_num = 1
        preview_value = []

    def get_preview_value(self):
        from courses.models import Source

        return list(Source.objects.order_by("pk")[:2])


class LessonStreamBlock(BaseStreamBlock):
    scenario = ScenarioBlock()
    checklist = ChecklistBlock()
    key_takeaways = KeyTakeawaysBlock()
    knowledge_check = KnowledgeCheckBlock()
    sources = SourcesBlock()
