"""The complaints' words: statuses, categories, reasons, timeline lines, and what each refusal of
a rule means, in the reader's language. The services return codes and enums; the pages, forms,
commands and e-mail templates of this domain (and of the domains above it) say them with these."""

from __future__ import annotations

from collections.abc import Iterable

from babel import dates as babel_dates
from flask_babel import format_date
from flask_babel import gettext as _

from portal.complaints.models.complaint import Complaint, ComplaintStatus, EventKind
from portal.complaints.models.response_template import TemplateKind
from portal.complaints.services.attachments import AttachmentRefusal
from portal.complaints.services.available import CaseAction
from portal.complaints.services.lifecycle import CaseRefusal
from portal.complaints.services.reports import TOTAL_KEY, IndicatorRow
from portal.complaints.services.saved_filters import SavedFilterRefusal
from portal.complaints.services.templates import TemplateRefusal
from portal.core.errors import DomainError
from portal.core.filers import FilerRelation
from portal.core.trail import ActedBy, ActorKind

S = ComplaintStatus


def status_label(status: ComplaintStatus | str) -> str:
    return {
        S.DITERIMA: _("Diterima"),
        S.DIVERIFIKASI: _("Sedang diperiksa"),
        S.MENUNGGU_INFORMASI: _("Menunggu informasi dari Anda"),
        S.DIRUJUK: _("Dirujuk ke instansi lain"),
        S.SELESAI: _("Selesai"),
        S.DITOLAK: _("Ditolak"),
        S.BANDING: _("Banding sedang ditinjau"),
        S.DITUTUP: _("Ditutup"),
    }[ComplaintStatus(status)]


def officer_status_label(status: ComplaintStatus) -> str:
    """The status as officers read it: "from you" on the resident's pages is the resident."""
    if status is S.MENUNGGU_INFORMASI:
        return _("Menunggu informasi dari warga")
    return status_label(status)


def category_label(value: str) -> str:
    """A complaint category in a few words (queue, case, statistics, Open311)."""
    labels = {
        "terlewat": _("Layak, belum terdaftar"),
        "data_salah": _("Data salah"),
        "masalah_kartu_klaim": _("Kartu atau klaim"),
        "penerima_tidak_layak": _("Penerima tidak layak"),
        "pungli": _("Pungli atau calo"),
        "informasi": _("Permintaan informasi"),
        "lainnya": _("Lainnya"),
        "usulan_calon": _("Usulan calon peserta"),
    }
    return labels.get(value) or value.replace("_", " ").capitalize()


def agency_label(value: str) -> str:
    """The agency a complaint was referred to."""
    labels = {
        "dukcapil": "Disdukcapil",
        "dinsos": _("Dinas Sosial"),
        "bpjs_ketenagakerjaan": "BPJS Ketenagakerjaan",
        "sp4n_lapor": "SP4N-LAPOR!",
        "lainnya": _("Instansi lain"),
    }
    return labels.get(value) or value.replace("_", " ").capitalize()


def satisfaction_label(value: str) -> str:
    """The resident's rating of the answer."""
    return {"puas": _("Puas"), "belum_puas": _("Belum puas")}.get(value) or value


def resolution_label(value: str) -> str:
    """Why a complaint ended as it did (officer form, case and tracking pages)."""
    labels = {
        "didaftarkan": _("Didaftarkan / diusulkan sebagai peserta"),
        "data_diperbaiki": _("Data diperbaiki"),
        "masuk_daftar_tunggu": _("Masuk daftar tunggu"),
        "informasi_diberikan": _("Informasi diberikan"),
        "ditindaklanjuti": _("Laporan ditindaklanjuti"),
        "tidak_memenuhi_syarat": _("Tidak memenuhi syarat"),
        "bukan_kewenangan": _("Bukan kewenangan program"),
        "tidak_cukup_bukti": _("Tidak cukup bukti"),
        "tidak_dapat_dihubungi": _("Warga tidak dapat dihubungi"),
    }
    return labels.get(value) or value.replace("_", " ").capitalize()


def event_label(kind: EventKind, to_status: ComplaintStatus | None) -> str:
    """What a timeline line means (stored messages are free text only)."""
    if kind is EventKind.STATUS and to_status is not None:
        return status_label(to_status)
    return {
        EventKind.DIBUAT: _("Pengaduan diterima"),
        EventKind.BALASAN: _("Balasan petugas"),
        EventKind.CATATAN: _("Catatan internal"),
        EventKind.JAWABAN_WARGA: _("Jawaban warga"),
        EventKind.TAMBAHAN_INFO: _("Keterangan tambahan dari pelapor lain"),
        EventKind.PENILAIAN: _("Penilaian warga"),
    }[kind]


def officer_event_label(kind: EventKind, to_status: ComplaintStatus | None) -> str:
    """A timeline line as officers read it: a status in the officer's words ("dari warga")."""
    if kind is EventKind.STATUS and to_status is not None:
        return officer_status_label(to_status)
    return event_label(kind, to_status)


def code_reissued_note(checked_how: str) -> str:
    """The internal timeline line of a new access code (the code itself is never written)."""
    return _(
        "Kode akses baru dibuat setelah identitas pelapor diperiksa (%(how)s). Kode lama tidak berlaku lagi.",
        how=checked_how,
    )


def template_values(complaint: Complaint) -> dict[str, str]:
    """What a template's placeholders say of a case: {nama} is who reads the message (the filer when
    they filed for someone or reported someone), {nomor} the reference, {batas_waktu} the answer's
    deadline."""
    if complaint.filer_relation is FilerRelation.SENDIRI and not complaint.incident_place:
        name = complaint.subject_name
    else:
        name = complaint.filer_name or ""
    # Said in Indonesian whatever the officer's language: they become part of a message to the resident.
    return {
        "nama": name or "Bapak/Ibu",
        "nomor": complaint.reference,
        "batas_waktu": babel_dates.format_date(complaint.resolve_due, "d MMMM y", locale="id"),
    }


def template_kind_label(kind: TemplateKind) -> str:
    """Which message a template starts, as the admin's form and list say it."""
    return {
        TemplateKind.BALAS: _("Balasan ke warga"),
        TemplateKind.MINTA_INFORMASI: _("Permintaan informasi"),
        TemplateKind.RUJUK: _("Catatan rujukan"),
        TemplateKind.KEPUTUSAN: _("Pesan keputusan"),
    }[kind]


def actor_names(actors: Iterable[ActedBy], accounts: dict[int, str]) -> dict[ActedBy, str]:
    """Who wrote each timeline line: the officer's name (lifecycle.actor_accounts), or the kind."""
    kinds = {ActorKind.RESIDENT: _("warga"), ActorKind.DEMO: _("data contoh"), ActorKind.SYSTEM: _("sistem")}
    return {
        actor: accounts.get(actor.officer_id, "") if actor.officer_id is not None else kinds[actor.kind]
        for actor in set(actors)
    }


def indicator_label(row: IndicatorRow) -> str:
    """A row of the monthly report: a kecamatan or an officer, the cases no one took, the total."""
    if row.key == TOTAL_KEY:
        return _("Jumlah")
    if row.key is None:
        return _("Belum ditugaskan")
    return row.label


def action_label(action: CaseAction) -> str:
    return {
        CaseAction.AMBIL: _("Ambil pengaduan ini"),
        CaseAction.TUGASKAN: _("Tugaskan kepada petugas"),
        CaseAction.VERIFIKASI: _("Tandai sudah diverifikasi"),
        CaseAction.BALAS: _("Balas warga"),
        CaseAction.MINTA_INFORMASI: _("Minta informasi dari warga"),
        CaseAction.RUJUK: _("Rujuk ke instansi lain"),
        CaseAction.SELESAIKAN: _("Selesaikan atau tolak"),
        CaseAction.BANDING: _("Putuskan banding"),
        CaseAction.GANDA: _("Tandai sebagai pengaduan ganda"),
        CaseAction.PINDAH_WILAYAH: _("Pindahkan ke kelurahan atau kecamatan lain"),
        CaseAction.JAWABAN_DITERIMA: _("Jawaban diterima lewat telepon, WA, SMS atau loket"),
        CaseAction.KONTAK: _("Catat kontak dengan warga"),
        CaseAction.KODE_AKSES: _("Buat kode akses baru"),
        CaseAction.CATATAN: _("Catatan internal"),
    }[action]


def _case_message(code: CaseRefusal, p: dict[str, object]) -> str:
    match code:
        case CaseRefusal.INVALID_TRANSITION:
            return _(
                "Pengaduan berstatus “%(current)s” tidak bisa diubah menjadi “%(target)s”.",
                current=status_label(str(p["current"])),
                target=status_label(str(p["target"])),
            )
        case CaseRefusal.NOT_AVAILABLE:
            return _(
                "Pengaduan berstatus “%(current)s” tidak bisa diubah dengan tindakan “%(action)s”.",
                current=status_label(str(p["current"])),
                action=action_label(CaseAction(str(p["action"]))),
            )
        case CaseRefusal.CASE_CHANGED:
            return _(
                "Pengaduan ini baru saja diubah oleh petugas lain. Muat ulang halaman untuk "
                "melihat perubahan, lalu ulangi tindakan Anda."
            )
        case CaseRefusal.NOT_YOURS:
            return _("Anda tidak berwenang menangani pengaduan ini.")
        case CaseRefusal.CLAIM_FIRST:
            return _("Ambil pengaduan ini lebih dulu, atau minta supervisor menugaskannya kepada Anda.")
        case CaseRefusal.CONFIDENTIAL_CLAIM:
            return _("Pengaduan rahasia ditugaskan oleh supervisor. Minta supervisor menugaskannya.")
        case CaseRefusal.SUPERVISOR_ASSIGNS:
            return _("Hanya supervisor yang dapat menugaskan pengaduan.")
        case CaseRefusal.ASSIGNEE_OUT_OF_SCOPE:
            return _("Petugas ini tidak berwenang atas wilayah atau jenis pengaduan ini.")
        case CaseRefusal.PICK_OFFICER:
            return _("Pilih petugas.")
        case CaseRefusal.PICK_OUTCOME:
            return _("Pilih selesai atau ditolak.")
        case CaseRefusal.APPEAL_FOR_SUPERVISOR:
            return _("Banding diputuskan oleh supervisor.")
        case CaseRefusal.APPEAL_SAME_HANDLER:
            return _(
                "Banding ini harus diputuskan supervisor lain, bukan yang memutus pertama kali. Anda yang "
                "menyelesaikan pengaduan ini: tugaskan kepada supervisor lain."
            )
        case CaseRefusal.DUPLICATE_OF_ITSELF:
            return _("Tulis nomor pengaduan lain: pengaduan ini tidak bisa menjadi ganda dari dirinya sendiri.")
        case CaseRefusal.ORIGINAL_NOT_FOUND:
            return _("Nomor pengaduan asal tidak ditemukan. Tulis nomor seperti SGP-2026-000123.")
        case CaseRefusal.RATING_CLOSED:
            return _("Penilaian hanya bisa diberikan sekali, dalam 14 hari setelah pengaduan selesai.")
        case CaseRefusal.FILES_ONLY_WITH_APPEAL:
            return _(
                "Lampiran hanya dikirim bersama banding. Pilih “Belum puas — ajukan banding”, atau kosongkan "
                "lampiran jika Anda puas."
            )
        case CaseRefusal.DUPLICATE_OPEN_CASE:
            return _("Sudah ada pengaduan yang masih diproses untuk NIK ini.")
        case CaseRefusal.ALREADY_SENT:
            return _("Pengaduan ini sudah terkirim. Lacak dengan nomor dan kode akses pada tanda terimanya.")
        case CaseRefusal.CODE_NOT_FOR_OUTCOME:
            return _(
                "Alasan “%(code)s” tidak cocok dengan hasil “%(outcome)s”. Pilih alasan yang tercantum di bawah "
                "hasil tersebut.",
                code=resolution_label(str(p["code"])),
                outcome=status_label(str(p["outcome"])),
            )
        case CaseRefusal.DUPLICATE_OTHER_PERSON if p.get("supervisor"):
            return _(
                "Pengaduan %(ref)s bukan tentang orang yang sama (NIK berbeda atau tidak ada). Periksa nomornya; "
                "bila tetap ganda, tulis alasannya di kolom pengecualian supervisor.",
                ref=p["original"],
            )
        case CaseRefusal.UNKNOWN_KELURAHAN:
            return _("Pilih kelurahan tujuan dari daftar.")
        case CaseRefusal.SAME_KELURAHAN:
            return _("Pengaduan ini sudah di kelurahan tersebut. Pilih kelurahan lain.")
        case CaseRefusal.FOLLOW_UP_PAST:
            return _(
                "Tanggal tindak lanjut %(date)s sudah lewat. Pilih hari ini atau tanggal berikutnya, atau kosongkan.",
                date=format_date(p["on"], "d MMMM y"),
            )
        case CaseRefusal.DUPLICATE_OTHER_PERSON:
            return _(
                "Pengaduan %(ref)s bukan tentang orang yang sama (NIK berbeda atau tidak ada), jadi tidak bisa "
                "ditandai ganda. Periksa nomornya, atau minta supervisor memutuskannya.",
                ref=p["original"],
            )


def _attachment_message(code: AttachmentRefusal, p: dict[str, object]) -> str:
    name = p.get("name", "")
    match code:
        case AttachmentRefusal.EMPTY:
            return _("Berkas %(name)s kosong.", name=name)
        case AttachmentRefusal.TOO_BIG:
            return _(
                "Berkas %(name)s lebih dari %(limit)s MB. Kecilkan atau foto ulang dengan resolusi lebih rendah.",
                name=name,
                limit=p["limit"],
            )
        case AttachmentRefusal.PDF_TOO_BIG:
            return _(
                "PDF %(name)s lebih dari %(limit)s MB. Pindai ulang dengan resolusi lebih rendah, atau kirim "
                "halamannya sebagai foto (foto boleh sampai %(photos)s MB).",
                name=name,
                limit=p["limit"],
                photos=p["photos"],
            )
        case AttachmentRefusal.NOT_A_TYPE:
            return _("Berkas %(name)s bukan foto (JPG, PNG, HEIC) atau PDF. Kirim foto atau PDF.", name=name)
        case AttachmentRefusal.TOO_COMPLEX:
            return _(
                "Berkas %(name)s terlalu rumit untuk diperiksa. Kirim foto biasa dari kamera ponsel, atau PDF hasil "
                "pindai yang lebih sederhana.",
                name=name,
            )
        case AttachmentRefusal.TOO_MANY_PIXELS:
            return _(
                "Foto %(name)s terlalu besar (lebih dari %(limit)s juta piksel). Foto ulang dengan resolusi lebih "
                "rendah, atau kecilkan dulu di ponsel.",
                name=name,
                limit=p["limit"],
            )
        case AttachmentRefusal.TOO_MANY_PIXELS_SIZED:
            return _(
                "Foto %(name)s terlalu besar: %(width)s × %(height)s piksel (paling besar %(limit)s juta piksel). "
                "Foto ulang dengan resolusi lebih rendah, atau kecilkan dulu di ponsel.",
                name=name,
                width=p["width"],
                height=p["height"],
                limit=p["limit"],
            )
        case AttachmentRefusal.PDF_ENCRYPTED:
            return _(
                "PDF %(name)s dikunci dengan kata sandi atau enkripsi. Simpan ulang tanpa kata sandi, atau kirim "
                "foto dokumennya.",
                name=name,
            )
        case AttachmentRefusal.PDF_PAGES:
            return _(
                "PDF %(name)s terlalu banyak halaman (%(pages)s; paling banyak %(limit)s). Kirim hanya halaman "
                "yang diperlukan.",
                name=name,
                pages=p["pages"],
                limit=p["limit"],
            )
        case AttachmentRefusal.PDF_TRUNCATED:
            return _("PDF %(name)s tidak lengkap atau rusak.", name=name)
        case AttachmentRefusal.PDF_UNREADABLE:
            return _(
                "PDF %(name)s tidak bisa dibaca. Simpan ulang sebagai PDF dari aplikasinya, atau kirim foto "
                "dokumennya.",
                name=name,
            )
        case AttachmentRefusal.UNREADABLE:
            return _("Gambar tidak bisa dibaca atau rusak. Kirim foto lain.")
        case AttachmentRefusal.NOT_STORED:
            return _("Berkas tidak bisa disimpan saat ini. Coba lagi nanti, atau kirim pengaduan tanpa lampiran.")


def _template_message(code: TemplateRefusal, p: dict[str, object]) -> str:
    match code:
        case TemplateRefusal.EMPTY:
            return _("Tulis judul dan isi templat.")
        case TemplateRefusal.TITLE_TOO_LONG:
            return _("Judul paling banyak %(n)d huruf.", n=p["n"])
        case TemplateRefusal.BODY_TOO_LONG:
            return _("Isi templat paling banyak %(n)d huruf.", n=p["n"])
        case TemplateRefusal.UNKNOWN_PLACEHOLDER:
            return _(
                "Isian otomatis ini tidak dikenal: %(names)s. Yang bisa dipakai: {nama}, {nomor}, {batas_waktu}.",
                names=p["names"],
            )


def tracking_locked_message(minutes: int) -> str:
    return _(
        "Terlalu banyak percobaan untuk nomor ini dari perangkat Anda. Coba lagi setelah %(minutes)d menit, "
        "atau tanyakan perkembangannya di kantor kelurahan atau Disnaker Kota Bekasi dengan membawa "
        "nomor tersebut.",
        minutes=minutes,
    )


def error_message(error: DomainError) -> str:
    """What a refusal of a complaints rule means, for the person who met it."""
    code = error.code
    if isinstance(code, AttachmentRefusal):
        return _attachment_message(code, error.params)
    if isinstance(code, TemplateRefusal):
        return _template_message(code, error.params)
    if isinstance(code, CaseRefusal):
        return _case_message(code, error.params)
    if isinstance(code, SavedFilterRefusal):
        return _saved_filter_message(code, error.params)
    raise ValueError(f"no words for {error!r}")


def _saved_filter_message(code: SavedFilterRefusal, p: dict[str, object]) -> str:
    match code:
        case SavedFilterRefusal.NO_NAME:
            return _("Beri nama filter ini, misalnya “Terlambat di Bekasi Timur”.")
        case SavedFilterRefusal.NAME_TOO_LONG:
            return _("Nama filter paling banyak %(n)d huruf.", n=p["n"])
        case SavedFilterRefusal.NOTHING_FILTERED:
            return _("Pilih dulu filter di antrean, lalu simpan.")
        case SavedFilterRefusal.TOO_MANY:
            return _("Paling banyak %(n)d filter tersimpan. Hapus yang tidak dipakai lagi.", n=p["n"])
