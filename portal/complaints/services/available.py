"""Which actions an officer may take on a case now: the case page shows these, and every action
refuses what is not among them (complaints.services.actions), so the page and the rules cannot
disagree. Derived from the transitions table and the officer's role and assignment."""

from __future__ import annotations

import enum

from portal.accounts.models import Account
from portal.complaints.models.complaint import Complaint, ComplaintStatus
from portal.complaints.services.access import can_act, can_claim, can_view
from portal.complaints.services.lifecycle import OPEN_STATUSES, Actor, CaseRefusal, can_transition, concluded_by

S = ComplaintStatus


class CaseAction(enum.StrEnum):
    """In the order of the case page; the values are the last part of the action's address."""

    AMBIL = "ambil"
    TUGASKAN = "tugaskan"
    VERIFIKASI = "verifikasi"
    BALAS = "balas"
    MINTA_INFORMASI = "minta-informasi"
    RUJUK = "rujuk"
    SELESAIKAN = "selesaikan"
    BANDING = "banding"
    GANDA = "ganda"
    PINDAH_WILAYAH = "pindah-wilayah"
    JAWABAN_DITERIMA = "jawaban-diterima"
    KONTAK = "catat-kontak"
    KODE_AKSES = "kode-akses"
    CATATAN = "catatan"


def staff_actor(account: Account) -> Actor:
    return Actor.SUPERVISOR if account.is_supervisor else Actor.PETUGAS


def available_actions(*, case: Complaint, actor: Account) -> tuple[CaseAction, ...]:
    """The actions `actor` may take on `case`, in the page's order."""
    if not can_view(actor, case):
        return ()
    who = staff_actor(actor)
    status = case.status

    def allowed(target: ComplaintStatus) -> bool:
        return can_transition(case, target, who)

    found: set[CaseAction] = set()
    if can_claim(actor, case) and status in OPEN_STATUSES:  # a closed case has nothing left to take
        found.add(CaseAction.AMBIL)
    if actor.is_supervisor:
        found.add(CaseAction.TUGASKAN)
    # Another kecamatan's case (a walk-in from elsewhere): a supervisor, or the officer who filed it.
    if status in OPEN_STATUSES and (
        actor.is_supervisor or (case.filed_by_id is not None and case.filed_by_id == actor.id)
    ):
        found.add(CaseAction.PINDAH_WILAYAH)
    if can_act(actor, case):
        # A new case can be referred or concluded at once: it is verified on the way.
        fresh = status is S.DITERIMA
        rules = {
            CaseAction.VERIFIKASI: fresh and allowed(S.DIVERIFIKASI),
            CaseAction.BALAS: status is not S.DITUTUP,
            CaseAction.MINTA_INFORMASI: allowed(S.MENUNGGU_INFORMASI),
            CaseAction.RUJUK: fresh or allowed(S.DIRUJUK),
            CaseAction.SELESAIKAN: fresh or (allowed(S.SELESAI) and status is not S.BANDING),
            CaseAction.BANDING: status is S.BANDING and allowed(S.SELESAI) and concluded_by(case) != actor.id,
            CaseAction.GANDA: allowed(S.DITUTUP),
            # A new access code for a resident who lost the receipt, whatever the status: the
            # handling officer or a supervisor, after checking who asks (issue 16 point 10).
            CaseAction.KODE_AKSES: True,
            # The resident answered by phone, WhatsApp, SMS or at the counter (issue 15).
            CaseAction.JAWABAN_DITERIMA: status is S.MENUNGGU_INFORMASI,
            CaseAction.KONTAK: True,
        }
        found.update(action for action, ok in rules.items() if ok)
    found.add(CaseAction.CATATAN)
    return tuple(action for action in CaseAction if action in found)


def withheld_actions(*, case: Complaint, actor: Account) -> dict[CaseAction, CaseRefusal]:
    """Actions this actor would have but for a rule the page should name where the action would
    be: the appeal of a case this supervisor concluded goes to another supervisor."""
    withheld: dict[CaseAction, CaseRefusal] = {}
    if (
        case.status is S.BANDING
        and can_act(actor, case)
        and can_transition(case, S.SELESAI, staff_actor(actor))
        and concluded_by(case) == actor.id
    ):
        withheld[CaseAction.BANDING] = CaseRefusal.APPEAL_SAME_HANDLER
    return withheld
