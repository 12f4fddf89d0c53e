import pytest

from portal import create_app
from portal.web.waiting import wait_in_words


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0, "kurang dari 1 menit"),
        (59, "kurang dari 1 menit"),
        (61, "sekitar 1 menit"),
        (2968, "sekitar 49 menit"),
        (3540, "sekitar 59 menit"),
        (3600, "sekitar 1 jam"),
        (14 * 3600 + 600, "sekitar 14 jam"),
    ],
)
def test_the_wait_is_said_in_words(seconds, words):
    app = create_app({"SIGAP_ENV": "testing", "TESTING": True, "SECRET_KEY": "x" * 32, "NIK_HMAC_KEY": "y" * 32})
    with app.test_request_context("/"):
        assert wait_in_words(seconds) == words
