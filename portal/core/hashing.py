"""Cost settings of the slow hashes (officer passwords, access codes).

"standard" follows OWASP's Argon2id minimum (19 MiB, 2 passes) and scrypt at 16 MiB. The
"test" profile makes the same algorithms cheap so the suite stays fast; never use it in
production (config refuses it outside SIGAP_ENV=testing).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from argon2 import PasswordHasher


@dataclass(frozen=True, slots=True)
class HashProfile:
    argon2_time_cost: int
    argon2_memory_kib: int
    argon2_parallelism: int
    scrypt_method: str


PROFILES = {
    "standard": HashProfile(2, 19 * 1024, 1, "scrypt:16384:8:1"),
    "test": HashProfile(1, 1024, 1, "scrypt:1024:8:1"),
}


@dataclass(slots=True)
class _State:
    profile: HashProfile = PROFILES["standard"]
    hasher: PasswordHasher | None = None
    dummies: dict[HashProfile, tuple[str, str]] = field(default_factory=dict)


_state = _State()


def use_profile(name: str) -> None:
    profile = PROFILES[name]
    _state.profile = profile
    _state.hasher = PasswordHasher(
        time_cost=profile.argon2_time_cost,
        memory_cost=profile.argon2_memory_kib,
        parallelism=profile.argon2_parallelism,
    )


def password_hasher() -> PasswordHasher:
    if _state.hasher is None:
        use_profile("standard")
    assert _state.hasher is not None  # use_profile set it
    return _state.hasher


def code_hash_method() -> str:
    return _state.profile.scrypt_method


def dummy_hashes() -> tuple[str, str]:
    """A password hash and a code hash of nothing, to spend the same time on unknown accounts."""
    profile = _state.profile
    if profile not in _state.dummies:
        from werkzeug.security import generate_password_hash

        _state.dummies[profile] = (
            password_hasher().hash("no such account"),
            generate_password_hash("no-such-code", method=profile.scrypt_method),
        )
    return _state.dummies[profile]
