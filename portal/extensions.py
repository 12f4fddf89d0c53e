"""Extensions, created unbound and initialised in create_app()."""

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
    """The session of this app context, as the services' `session: Session` parameters type it.

    `db.session` is a scoped_session proxy; calling it returns the Session it forwards to, the
    same object for the whole request or command.
    """
    return db.session()
