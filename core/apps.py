from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

# Where pre_save leaves an updated record's scope as it was, for post_save.
_SCOPE_BEFORE = "_figures_scope_before"
_NOT_LOOKED = object()


def _forget(scope) -> None:
    from .figures import figures_changed, figures_changed_for

    if scope is None:
        figures_changed()
    else:
        figures_changed_for(programmes=scope.programmes, services=scope.services)


def _note_scope_before(sender, instance, raw=False, **kwargs) -> None:
    """Before an update, the scope the record had: a change of person may move it."""
    from .figure_scopes import facts_for, scope_of_saved

    facts = facts_for(sender)
    if facts is None or raw or instance._state.adding or instance.pk is None:
        return
    instance.__dict__[_SCOPE_BEFORE] = scope_of_saved(sender, instance.pk, facts)


def _forget_figures_saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    from .figure_scopes import facts_for, scope_of_saved
    from .figures import counts_for_figures, figures_changed

    before = instance.__dict__.pop(_SCOPE_BEFORE, _NOT_LOOKED)
    if not counts_for_figures(sender._meta.label_lower):
        return
    facts = facts_for(sender)
    if facts is None or raw:
        figures_changed()
        return
    scope = scope_of_saved(sender, instance.pk, facts)
    if scope is not None and before is not _NOT_LOOKED:
        if before is not None:
            scope = scope | before
        elif not created:
            scope = None  # updated, yet there was no row before: its history is unknown
    _forget(scope)


def _forget_figures_deleted(sender, instance, **kwargs) -> None:
    from .figure_scopes import DELETES_TOUCH_OTHERS, facts_for, scope_of_deleted
    from .figures import counts_for_figures, figures_changed

    label = sender._meta.label_lower
    if not counts_for_figures(label):
        return
    facts = facts_for(sender)
    if facts is None or label in DELETES_TOUCH_OTHERS:
        figures_changed()
        return
    _forget(scope_of_deleted(instance, facts))


def _forget_figures_m2m(sender, instance, action, reverse, **kwargs) -> None:
    from django.apps import apps

    from .figure_scopes import M2M_FACTS, facts_for, scope_of_saved
    from .figures import counts_for_figures, figures_changed

    label = sender._meta.label_lower
    if not counts_for_figures(label):
        return
    owner = M2M_FACTS.get(label)
    if owner is None or reverse:
        figures_changed()
        return
    if not action.startswith("post_"):
        return  # the rows change, and are looked up, after
    model = apps.get_model(owner)
    facts = facts_for(model)
    assert facts is not None, owner
    _forget(scope_of_saved(model, instance.pk, facts))


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Launchpad core"

    def ready(self) -> None:
        from django.apps import apps

        from .figure_scopes import FACTS

        # Any saved or deleted record in the stage apps may change an aggregate figure;
        # day-to-day records only those of their own scope (core.figure_scopes).
        post_save.connect(_forget_figures_saved, dispatch_uid="core.figures.save")
        post_delete.connect(_forget_figures_deleted, dispatch_uid="core.figures.delete")
        m2m_changed.connect(_forget_figures_m2m, dispatch_uid="core.figures.m2m")
        for label in FACTS:
            pre_save.connect(
                _note_scope_before,
                sender=apps.get_model(label),
                dispatch_uid=f"core.figures.before.{label}",
            )
