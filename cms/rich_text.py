"""One stored form of rich text: the one the admin's editor writes.

The editor rewrites HTML it is given (``<strong>`` becomes ``<b>``, ``<em>`` becomes ``<i>``),
so text imported in another form changed on its first save and, with it, the strings its
translations are keyed on. Rich text is stored in the editor's form from the start, so saving
a page with unchanged text leaves its translations as they are.
"""

import re

from wagtail import blocks
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
from wagtail.rich_text import RichText

from cms.blocks import RICH_TEXT_FEATURES

# The editor gives each paragraph a random key; it keeps the keys it finds and adds its own
# where there are none, and translations never see them, so stored text need not carry any.
BLOCK_KEY = re.compile(r' data-block-key="[^"]*"')


def rich_text_normalise(html: str, *, features: list[str] | None = None) -> str:
    """``html`` as the admin's rich text editor would save it with ``features``, without
    paragraph keys. Idempotent."""
    if not html:
        return html
    converter = ContentstateConverter(list(features or RICH_TEXT_FEATURES))
    return BLOCK_KEY.sub("", converter.to_database_format(converter.from_database_format(html)))


def stream_raw_normalise(block: blocks.Block, value):
    """Raw StreamField data (or one block's raw value) with every rich text value in the
    editor's form; the shape and block ids are kept."""
    if isinstance(block, blocks.RichTextBlock):
        source = value.source if isinstance(value, RichText) else value
        return rich_text_normalise(source or "", features=block.features)
    if isinstance(block, blocks.StreamBlock):
        return [
            {
                **child,
                "value": stream_raw_normalise(block.child_blocks[child["type"]], child["value"]),
            }
            if child.get("type") in block.child_blocks
            else child
            for child in value or []
        ]
    if isinstance(block, blocks.StructBlock):
        return {
            name: stream_raw_normalise(block.child_blocks[name], item)
            if name in block.child_blocks
            else item
            for name, item in (value or {}).items()
        }
    if isinstance(block, blocks.ListBlock):
        return [
            {**item, "value": stream_raw_normalise(block.child_block, item["value"])}
            if isinstance(item, dict) and item.get("type") == "item"
            else stream_raw_normalise(block.child_block, item)
            for item in value or []
        ]
    return value
