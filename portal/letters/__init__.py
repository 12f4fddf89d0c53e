"""Letters of participation: self-service download (/surat), public verification (/verifikasi)."""
from flask import Blueprint

from portal.config import ConfigError
from portal.services.letters import check_number_pattern

bp = Blueprint("letters", __name__)


@bp.record_once
def _check_settings(state) -> None:
    try:
        check_number_pattern(state.app.config["LETTER_NUMBER_PATTERN"])
    except ValueError as error:
        raise ConfigError(str(error)) from None


from portal.letters import routes  # noqa: E402,F401
