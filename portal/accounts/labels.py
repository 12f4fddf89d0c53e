"""What a refused account change means, in the reader's language (the services return codes)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from portal.accounts.services.accounts import AccountError, AccountRefusal
from portal.core.regions import regions
from portal.core.roles import Role


def role_label(role: Role | str) -> str:
    """A staff role in words ("officer" is a "Petugas")."""
    words = {Role.OFFICER: _("Petugas"), Role.SUPERVISOR: _("Supervisor"), Role.ADMIN: _("Admin")}
    return words[Role(role)] if role in Role.__members__.values() else str(role)


def scope_label(codes: list[str]) -> str:
    """Where an account works: its kecamatan by name, or the whole city when it has none."""
    if not codes:
        return _("Seluruh Kota Bekasi")
    known = regions().kecamatan
    return ", ".join(_("Kecamatan %(name)s", name=known[c].name) if c in known else c for c in sorted(codes))


def error_message(error: AccountError) -> str:
    p = error.params
    match error.code:
        case AccountRefusal.TOO_SHORT:
            return _("Kata sandi paling sedikit %(n)d karakter.", n=p["n"])
        case AccountRefusal.TOO_LONG:
            return _("Kata sandi paling banyak 200 karakter.")
        case AccountRefusal.HAS_EMAIL_NAME:
            return _("Kata sandi tidak boleh memuat nama dari email akunnya (bagian sebelum @).")
        case AccountRefusal.NOT_AN_EMAIL:
            return _("Tulis email lengkap, misalnya petugas@bekasikota.go.id.")
        case AccountRefusal.EMAIL_TAKEN:
            return _("Sudah ada akun dengan email %(email)s.", email=p["email"])
        case AccountRefusal.UNKNOWN_KECAMATAN:
            return _("Kode kecamatan tidak dikenal: %(codes)s.", codes=p["codes"])
        case AccountRefusal.WRONG_CURRENT:
            return _("Kata sandi saat ini salah.")
        case AccountRefusal.OWN_ACTIVE:
            return _("Anda tidak dapat menonaktifkan akun Anda sendiri. Minta admin lain.")
        case AccountRefusal.OWN_ROLE:
            return _("Anda tidak dapat mengubah peran akun Anda sendiri. Minta admin lain.")
        case AccountRefusal.OWN_RESET:
            return _("Ganti kata sandi Anda sendiri di halaman Akun saya.")
        case AccountRefusal.OWN_TOTP:
            return _("Anda tidak dapat mengatur ulang verifikasi dua langkah akun Anda sendiri. Minta admin lain.")
        case AccountRefusal.NO_TOTP:
            return _("Akun ini belum memakai verifikasi dua langkah.")
        case AccountRefusal.SCOPE_NOT_CHOSEN:
            return _(
                "Pilih wilayah kerja petugas: “Seluruh Kota Bekasi (semua kecamatan)”, atau “Kecamatan "
                "tertentu” lalu centang satu atau beberapa kecamatan."
            )
        case AccountRefusal.SCOPE_BOTH:
            return _("Pilih kecamatan atau seluruh Kota Bekasi, tidak keduanya.")
        case AccountRefusal.SAME_PASSWORD:
            return _("Kata sandi baru harus berbeda dari kata sandi saat ini.")
        case AccountRefusal.NOT_FOUND:
            return _("Tidak ada akun dengan email %(email)s.", email=p["email"])
    raise ValueError(f"no words for {error!r}")


def held_work(counts: dict[str, int]) -> str:
    """ "3 pengaduan dan 1 permintaan bantuan": the open work of an officer, per kind."""
    parts = []
    if counts.get("complaints"):
        parts.append(ngettext("%(num)d pengaduan", "%(num)d pengaduan", counts["complaints"]))
    if counts.get("assistance"):
        parts.append(ngettext("%(num)d permintaan bantuan", "%(num)d permintaan bantuan", counts["assistance"]))
    return f" {_('dan')} ".join(parts)


def held_message(held: dict[str, int]) -> str:
    """Why an account change was refused: the open work it would orphan (issue 16 point 5)."""
    return _(
        "Petugas ini masih memegang %(work)s yang masih terbuka dan tidak akan terlihat lagi olehnya setelah "
        "perubahan ini. Tugaskan ulang lebih dulu, atau centang “Kembalikan … ke antrean supervisor”.",
        work=held_work(held),
    )


def released_message(released: dict[str, int]) -> str:
    return _(
        "%(work)s dikembalikan ke antrean supervisor (belum ditugaskan), dengan catatan di riwayat masing-masing.",
        work=held_work(released),
    )
