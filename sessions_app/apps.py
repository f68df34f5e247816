from django.apps import AppConfig


class SessionsAppConfig(AppConfig):
    name = "sessions_app"
    label = "sessions_app"
    verbose_name = "Portal links"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the deploy checks)
        from .accounts import (
            lockout,  # noqa: F401  (connects the axes lockout receiver)
            signals,  # noqa: F401  (connects the sign-in audit receivers)
            step_up,  # noqa: F401  (a sign-in counts as a step-up proof)
        )
