"""Officer accounts: roles, kecamatan scope, password, TOTP, sign-out everywhere (lockouts: models.lockout)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.base import Base, UTCDateTime, str_enum, utcnow
from portal.core.roles import Role


class Account(Base):
    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(150))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_enabled: Mapped[bool] = mapped_column(default=False)
    # The time step of the last code accepted: a code is accepted once (a conditional UPDATE).
    totp_last_step: Mapped[int | None]
    session_version: Mapped[int] = mapped_column(default=1)  # bumped to sign out everywhere
    # The password was chosen by an admin (a new account, a reset): its owner changes it first.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    scopes: Mapped[list[AccountKecamatan]] = relationship(
        cascade="all, delete-orphan", order_by="AccountKecamatan.kecamatan_code", lazy="selectin"
    )

    # Flask-Login
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def kecamatan_codes(self) -> list[str]:
        return [scope.kecamatan_code for scope in self.scopes]

    @property
    def is_supervisor(self) -> bool:
        return self.role in (Role.SUPERVISOR, Role.ADMIN)


class AccountKecamatan(Base):
    __tablename__ = "account_kecamatan"

    account_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id"), primary_key=True)
    kecamatan_code: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
