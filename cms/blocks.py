"""StreamField blocks shared by every page type. Course-specific blocks live in ``courses``."""

from django.core.exceptions import ValidationError
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link", "document-link"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Text"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("Level"),
        choices=[("h2", _("Heading 2")), ("h3", _("Heading 3"))],
        default="h2",
    )

    class Meta:
        description = _("A section heading that appears in the page outline.")
        icon = "title"
        label = _("Heading")
        template = "blocks/heading_block.html"
        preview_value = {"text": "Welcoming a new colleague", "level": "h2"}


class ImageBlock(blocks.StructBlock):
    """An image whose alternative text is required (decorative images belong in CSS)."""

    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        max_length=250,
        help_text=_("Describe what the image shows for people who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        description = _(
            "A picture with alternative text for screen readers and an optional caption."
        )
        icon = "image"
        label = _("Image")
        template = "blocks/image_block.html"
        preview_value = {"alt_text": "Two colleagues talking in a workshop", "caption": ""}

    def clean(self, value):
        value = super().clean(value)
        if not value.get("alt_text", "").strip():
            raise ValidationError(_("Alternative text is required."))
        return value


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("Kind"),
        choices=[("tip", _("Tip")), ("warning", _("Warning")), ("key_fact", _("Key fact"))],
        default="tip",
    )
    title = blocks.CharBlock(label=_("Title"), required=False, max_length=200)
    body = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES)

    class Meta:
        description = _("A highlighted box for a tip, a warning or a key fact.")
        icon = "help"
        label = _("Callout")
        template = "blocks/callout_block.html"
        preview_value = {
            "kind": "tip",
            "title": "Tip",
            "body": "<p>Pair every new hire with a buddy for the first month.</p>",
        }


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quotation"))
    attribution = blocks.CharBlock(label=_("Attribution"), required=False, max_length=200)
    source = blocks.CharBlock(label=_("Source"), required=False, max_length=250)

    class Meta:
        description = _("A quotation with the name of the person quoted.")
        icon = "openquote"
        label = _("Quote")
        template = "blocks/quote_block.html"
        preview_value = {
            "text": "Small centres, big impact.",
            "attribution": "National Small Centres Conference",
            "source": "Recommendations brief, 2023",
        }


class VideoBlock(blocks.StructBlock):
    """An embedded video. The transcript is required: it serves people who cannot hear or see
    the video, and those who cannot load it."""

    title = blocks.CharBlock(
        label=_("Title"),
        max_length=200,
        help_text=_("Names the video for screen readers and in the link to it."),
    )
    video = EmbedBlock(label=_("Video address"), help_text=_("A YouTube or Vimeo address."))
    transcript = blocks.RichTextBlock(label=_("Transcript"), features=RICH_TEXT_FEATURES)

    class Meta:
        description = _("An embedded video with its transcript.")
        icon = "media"
        label = _("Video")
        template = "blocks/video_block.html"
        preview_value = {
            "title": "A welcome on the first day",
            "transcript": "<p>Narrator: On the first day, the supervisor introduces the new hire "
            "to the team and their buddy.</p>",
        }

    def clean(self, value):
        value = super().clean(value)
        if not strip_tags(str(value.get("transcript") or "")).strip():
            raise ValidationError(_("A transcript is required."))
        return value


class DocumentBlock(blocks.StructBlock):
    """A downloadable file with a description of what it is for."""

    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(label=_("Link text"), max_length=200)
    description = blocks.TextBlock(label=_("Description"), required=False)

    class Meta:
        description = _("A file to download, with what it is for.")
        icon = "doc-full"
        label = _("Downloadable document")
        template = "blocks/document_block.html"
        preview_value = {
            "title": "Sample onboarding plan",
            "description": "A two-week plan you can adapt.",
        }


class AccordionItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Question"), max_length=250)
    answer = blocks.RichTextBlock(label=_("Answer"), features=RICH_TEXT_FEATURES)


class AccordionBlock(blocks.StructBlock):
    """Questions and answers, each opened on request (native ``<details>``, no script)."""

    title = blocks.CharBlock(label=_("Title"), required=False, max_length=200)
    items = blocks.ListBlock(AccordionItemBlock(), label=_("Questions"), min_num=1)

    class Meta:
        description = _("Questions or details that readers open one at a time.")
        icon = "list-ul"
        label = _("Accordion / FAQ")
        template = "blocks/accordion_block.html"
        preview_value = {
            "title": "Common questions",
            "items": [
                {
                    "question": "Do I need to change my whole hiring process?",
                    "answer": "<p>No. Start with one structured interview guide.</p>",
                }
            ],
        }


class BaseStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Rich text"),
        features=RICH_TEXT_FEATURES,
        icon="pilcrow",
        template="blocks/paragraph_block.html",
        preview_value="<p>Newcomers stay where they feel welcome.</p>",
        description=_("Paragraphs of text, with bold, italic, lists and links."),
    )
    image = ImageBlock()
    callout = CalloutBlock()
    quote = QuoteBlock()
    video = VideoBlock()
    document = DocumentBlock()
    accordion = AccordionBlock()
