"""Every lesson block has a description and a preview in the block picker."""

import pytest

from courses.models import LessonPage

pytestmark = pytest.mark.django_db

LESSON_BLOCKS = LessonPage._meta.get_field("body").stream_block.child_blocks


@pytest.mark.parametrize("name", list(LESSON_BLOCKS))
def test_each_lesson_block_has_a_description_and_renders_a_preview(client, name, django_user_model):
    block = LESSON_BLOCKS[name]
    client.force_login(django_user_model.objects.get(email="editor@example.com"))

    response = client.get("/admin/block-preview/", {"id": block.definition_prefix})

    assert block.get_description()
    assert block.is_previewable
    assert response.status_code == 200
    assert "cms/css/site.css" in response.content.decode()
    assert f"block-{name}" in response.content.decode()
