"""Decisions that must agree with themselves (issue 16 point 3): which reasons fit which outcome,
and when two cases are about the same person."""

from __future__ import annotations

from portal.complaints.models.complaint import Complaint, ComplaintStatus, ResolutionCode

S = ComplaintStatus
R = ResolutionCode

# The reasons each outcome allows: the form offers them under their outcome, conclude() refuses
# any other pair ("Ditolak" because "Data diperbaiki" says two things at once).
CODES_FOR_OUTCOME: dict[ComplaintStatus, tuple[ResolutionCode, ...]] = {
    S.SELESAI: (R.DIDAFTARKAN, R.DATA_DIPERBAIKI, R.MASUK_DAFTAR_TUNGGU, R.INFORMASI_DIBERIKAN, R.DITINDAKLANJUTI),
    S.DITOLAK: (R.TIDAK_MEMENUHI_SYARAT, R.BUKAN_KEWENANGAN, R.TIDAK_CUKUP_BUKTI, R.TIDAK_DAPAT_DIHUBUNGI),
}


def code_fits(outcome: ComplaintStatus, code: ResolutionCode) -> bool:
    return code in CODES_FOR_OUTCOME.get(outcome, ())


def same_person(one: Complaint, other: Complaint) -> bool:
    """Two complaints about one person: the same NIK (a case without a NIK is nobody's twin)."""
    return one.subject_nik is not None and one.subject_nik == other.subject_nik
