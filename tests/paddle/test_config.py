from pytest_django import Settings

from paddle_emulator import Emulator, EmulatorServer
from sessions_app.paddle.config import get_client


def test_the_client_is_reused_while_the_settings_stay_the_same(emulator: Emulator) -> None:
    assert get_client() is get_client()


def test_a_changed_setting_gives_a_new_client(
    emulator: Emulator, emulator_server: EmulatorServer, settings: Settings
) -> None:
    first = get_client()
    assert first.base_url == emulator_server.base_url

    settings.PADDLE_DEADLINE = 7.5
    second = get_client()

    assert second is not first
    assert (second.deadline, second.base_url) == (7.5, emulator_server.base_url)


def test_the_base_url_follows_the_environment_unless_overridden(settings: Settings) -> None:
    settings.PADDLE_API_BASE_URL = ""
    settings.PADDLE_ENVIRONMENT = "production"
    assert get_client().base_url == "https://api.paddle.com"

    settings.PADDLE_ENVIRONMENT = "sandbox"
    assert get_client().base_url == "https://sandbox-api.paddle.com"


def test_the_configured_client_talks_to_the_emulator(emulator: Emulator) -> None:
    customer_id = emulator.examples()["all_statuses"]

    assert get_client().get_customer(customer_id).id == customer_id
    assert get_client().check_key()
