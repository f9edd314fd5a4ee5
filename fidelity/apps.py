from django.apps import AppConfig


class FidelityConfig(AppConfig):
    name = "fidelity"
    verbose_name = "Fidelity"

    def ready(self) -> None:
        # Registers the reflection-due and support-action reminder sources.
        from . import reminders  # noqa: F401
