"""Extensions, created unbound and initialised in create_app()."""

from typing import cast

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import Session

from portal.core.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
login_manager = LoginManager()


def current_session() -> Session:
    """`db.session` as the services' `session: Session` parameters type it.

    It stays the scoped proxy (which has every method of Session): each use finds the session of
    the context current then, as before, so a streamed response that reads its rows after the
    view returned (the CSV exports) uses and closes the same session as the request's teardown.
    """
    return cast(Session, db.session)
