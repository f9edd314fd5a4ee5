from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = "Outcomes"

    def ready(self) -> None:
        # Registers the measurement-window source with the daily reminder run.
        from . import reminders  # noqa: F401
