"""/surat and /verifikasi for everyone; letters and batches for officers."""

from flask import Blueprint

from portal.config import ConfigError
from portal.letters.services.letters import check_number_pattern

bp = Blueprint("letters", __name__)
officer_bp = Blueprint("letters", __name__)  # registered by portal.officers under /petugas


@bp.record_once
def _check_settings(state) -> None:
    try:
        check_number_pattern(state.app.config["LETTER_NUMBER_PATTERN"])
    except ValueError as error:
        raise ConfigError(str(error)) from None


from portal.letters.routes import officer, public, verifier  # noqa: E402,F401
