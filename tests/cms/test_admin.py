"""The Wagtail admin carries the site's name and works in both languages."""

import pytest


@pytest.mark.parametrize(
    "language,heading",
    [("en", "Sign in to edit Welcoming Workplaces"), ("fr", "Milieux de travail accueillants")],
)
def test_admin_login_is_branded_in_each_language(db, client, language, heading):
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    assert heading in response.content.decode()


@pytest.mark.parametrize(
    "language,expected",
    [
        ("en", "Welcoming Workplaces: content administration"),
        ("fr", "Milieux de travail accueillants\u00a0: administration du contenu"),
    ],
)
def test_admin_dashboard_for_an_editor_follows_the_language(
    db, client, django_user_model, language, expected
):
    from django.contrib.auth.models import Group

    editor = django_user_model.objects.create_user(
        email="ed@example.com", password="long enough password 1", is_staff=True
    )
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)

    response = client.get("/admin/", HTTP_ACCEPT_LANGUAGE=language)

    html = response.content.decode()
    assert response.status_code == 200
    assert f'lang="{language}"' in html
    assert expected in html
