from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _editorial_groups(sender, using="default", **kwargs):
    from django.contrib.auth.management import create_permissions
    from wagtail.snippets.models import create_extra_permissions

    from courses.services import editorial_groups_ensure

    # post_migrate reaches this app before django.contrib.auth and Wagtail's snippets have
    # created the permissions of the apps listed after it (this one included): on a fresh
    # database the groups would get none of them. Create them first; both are idempotent.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    create_extra_permissions(global_apps.get_app_config("wagtailsnippets"), using=using)
    editorial_groups_ensure()


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        # Permissions of new models exist only once every app has migrated.
        post_migrate.connect(_editorial_groups, sender=self, dispatch_uid="editorial_groups")
