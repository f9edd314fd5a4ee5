from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


def _forget_figures(sender, **kwargs) -> None:
    from .figures import counts_for_figures, figures_changed

    if counts_for_figures(sender._meta.label_lower):
        figures_changed()


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Launchpad core"

    def ready(self) -> None:
        # Any saved or deleted record in the stage apps may change an aggregate figure.
        post_save.connect(_forget_figures, dispatch_uid="core.figures.save")
        post_delete.connect(_forget_figures, dispatch_uid="core.figures.delete")
        m2m_changed.connect(_forget_figures, dispatch_uid="core.figures.m2m")
