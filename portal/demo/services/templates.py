"""A few templates for the demo: one of each kind, with the placeholders filled on the case page
({nama}, {nomor}, {batas_waktu}). Idempotent: a title that exists is left as it is."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.complaints.models.complaint import ComplaintCategory, ComplaintStatus
from portal.complaints.models.response_template import ResponseTemplate, TemplateKind

DEMO_TEMPLATES: tuple[tuple[str, TemplateKind, ComplaintCategory | None, ComplaintStatus | None, str], ...] = (
    (
        "Sedang diperiksa",
        TemplateKind.BALAS,
        None,
        None,
        "Bapak/Ibu {nama}, pengaduan {nomor} sedang kami periksa. Kami memberi jawaban paling lambat "
        "{batas_waktu}. Terima kasih atas kesabarannya.",
    ),
    (
        "Minta foto KTP dan KK",
        TemplateKind.MINTA_INFORMASI,
        None,
        None,
        "Bapak/Ibu {nama}, untuk memeriksa pengaduan {nomor} kami memerlukan foto KTP dan Kartu Keluarga. "
        "Kirim lewat halaman lacak pengaduan, atau balas pesan ini dengan keterangan Anda.",
    ),
    (
        "Minta keterangan pekerjaan",
        TemplateKind.MINTA_INFORMASI,
        ComplaintCategory.TERLEWAT,
        None,
        "Bapak/Ibu {nama}, mohon tuliskan pekerjaan Anda sekarang (misalnya ojek online, pedagang kaki lima) "
        "dan sejak kapan, agar pengaduan {nomor} bisa kami periksa.",
    ),
    (
        "Dirujuk ke Disdukcapil",
        TemplateKind.RUJUK,
        ComplaintCategory.DATA_SALAH,
        None,
        "Bapak/Ibu {nama}, perbaikan data kependudukan untuk pengaduan {nomor} kami teruskan ke Disdukcapil "
        "Kota Bekasi. Kami mengabari Anda setelah ada jawaban dari sana.",
    ),
    (
        "Didaftarkan sebagai peserta",
        TemplateKind.KEPUTUSAN,
        ComplaintCategory.TERLEWAT,
        None,
        "Bapak/Ibu {nama}, Anda sudah kami usulkan sebagai peserta program SIGAP (pengaduan {nomor}). "
        "Cek status kepesertaan lagi di portal bulan depan.",
    ),
)


def seed_templates(*, session: Session) -> int:
    """The demo's templates that are not there yet; returns how many were made."""
    existing = set(session.scalars(sa.select(ResponseTemplate.title)))
    made = 0
    for title, kind, category, status, body in DEMO_TEMPLATES:
        if title in existing:
            continue
        session.add(ResponseTemplate(title=title, kind=kind, category=category, status=status, body=body))
        made += 1
    session.flush()
    return made
