"""One instruction per question: the page adds "Select all that apply." to every
select-all question, so the authored prompts do not say it again (in either language)."""

from pathlib import Path

import pytest
import yaml
from django.utils import translation

CONTENT = Path(__file__).resolve().parent.parent.parent / "courses" / "content"
FILES = sorted(CONTENT.glob("*.yaml"))


def select_all_prompts(path: Path) -> list[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    quiz = data.get("quiz") or {}
    return [
        " ".join(question["prompt"].split())
        for question in quiz.get("questions", [])
        if question.get("type") == "multiple_choice"
    ]


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_select_all_prompts_leave_the_instruction_to_the_page(path):
    language = path.suffixes[0].lstrip(".")
    with translation.override(language):
        instruction = translation.gettext("Select all that apply.")

    repeated = [
        prompt
        for prompt in select_all_prompts(path)
        if instruction.rstrip(".").lower() in prompt.lower()
        or "all that apply" in prompt.lower()
        or "cochez toutes" in prompt.lower()
    ]

    assert repeated == []


def test_the_content_has_select_all_questions_in_both_languages():
    languages = {path.suffixes[0] for path in FILES if select_all_prompts(path)}

    assert languages == {".en", ".fr"}
