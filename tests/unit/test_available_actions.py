"""available_actions for every status and every kind of officer: what the case page offers and
what the actions accept (complaints.services.available)."""

from __future__ import annotations

import pytest

from portal.accounts.models import Account
from portal.complaints.models.complaint import Complaint, ComplaintCategory, ComplaintStatus
from portal.complaints.services.available import CaseAction, available_actions
from portal.core.roles import Role

S = ComplaintStatus
A = CaseAction
ME, OTHER = 7, 8

# What the officer the case is assigned to may do, per status.
OWNER = {
    S.DITERIMA: {A.VERIFIKASI, A.BALAS, A.MINTA_INFORMASI, A.RUJUK, A.SELESAIKAN, A.GANDA, A.CATATAN},
    S.DIVERIFIKASI: {A.BALAS, A.MINTA_INFORMASI, A.RUJUK, A.SELESAIKAN, A.GANDA, A.CATATAN},
    S.MENUNGGU_INFORMASI: {A.BALAS, A.GANDA, A.CATATAN},
    S.DIRUJUK: {A.BALAS, A.SELESAIKAN, A.CATATAN},
    S.SELESAI: {A.BALAS, A.CATATAN},
    S.DITOLAK: {A.BALAS, A.CATATAN},
    S.BANDING: {A.BALAS, A.CATATAN},  # only a supervisor decides an appeal
    S.DITUTUP: {A.CATATAN},
}
# A new access code for a resident who lost the receipt: in every status (issue 16 point 10); a
# contact with the resident logged in every status, an answer received while the case waits (issue 15).
OWNER = {status: actions | {A.KODE_AKSES, A.KONTAK} for status, actions in OWNER.items()}
OWNER[S.MENUNGGU_INFORMASI] |= {A.JAWABAN_DITERIMA}
# Nothing is left to take on a closed case (issue 16 point 3: a closed duplicate offered "Ambil").
TAKEN_WHEN_OPEN = {S.DITERIMA, S.DIVERIFIKASI, S.MENUNGGU_INFORMASI, S.DIRUJUK, S.BANDING}
# A supervisor acts on every case they see, assigns it, moves an open one to another kecamatan
# (issue 16 point 5), and decides appeals.
SUPERVISOR = {status: actions | {A.TUGASKAN} for status, actions in OWNER.items()} | {
    S.BANDING: {A.TUGASKAN, A.BALAS, A.BANDING, A.KODE_AKSES, A.KONTAK, A.CATATAN}
}
SUPERVISOR = {
    status: actions | ({A.PINDAH_WILAYAH} if status in TAKEN_WHEN_OPEN else set())
    for status, actions in SUPERVISOR.items()
}


def officer(role: Role = Role.OFFICER, *, id: int = ME) -> Account:
    return Account(id=id, role=role, scopes=[])


def case(status: ComplaintStatus, *, assigned_to_id: int | None, **fields: object) -> Complaint:
    values: dict[str, object] = {
        "category": ComplaintCategory.DATA_SALAH,
        "kelurahan_code": "32.75.01.1001",
        "confidential": False,
    }
    return Complaint(status=status, assigned_to_id=assigned_to_id, **(values | fields))


@pytest.mark.parametrize("status", list(S))
def test_the_assigned_officer(status):
    assert set(available_actions(case=case(status, assigned_to_id=ME), actor=officer())) == OWNER[status]


@pytest.mark.parametrize("status", list(S))
def test_an_officer_on_an_unassigned_case_may_take_it_and_write_notes(status):
    got = available_actions(case=case(status, assigned_to_id=None), actor=officer())
    assert got == ((A.AMBIL, A.CATATAN) if status in TAKEN_WHEN_OPEN else (A.CATATAN,))


@pytest.mark.parametrize("status", list(S))
def test_an_officer_on_someone_elses_case_only_writes_notes(status):
    assert available_actions(case=case(status, assigned_to_id=OTHER), actor=officer()) == (A.CATATAN,)


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ADMIN])
@pytest.mark.parametrize("status", list(S))
def test_a_supervisor(status, role):
    assigned = available_actions(case=case(status, assigned_to_id=OTHER), actor=officer(role))
    assert set(assigned) == SUPERVISOR[status]
    unassigned = available_actions(case=case(status, assigned_to_id=None), actor=officer(role))
    assert set(unassigned) == SUPERVISOR[status] | ({A.AMBIL} if status in TAKEN_WHEN_OPEN else set())


@pytest.mark.parametrize("status", list(S))
def test_a_confidential_case_is_assigned_never_taken(status):
    secret = case(status, assigned_to_id=None, confidential=True)
    assert available_actions(case=secret, actor=officer()) == (A.CATATAN,)
    assert (A.AMBIL in available_actions(case=secret, actor=officer(Role.SUPERVISOR))) is (status in TAKEN_WHEN_OPEN)


@pytest.mark.parametrize("status", list(S))
def test_the_officer_who_filed_an_open_case_may_move_it(status):
    filed = case(status, assigned_to_id=None, filed_by_id=ME)
    assert (A.PINDAH_WILAYAH in available_actions(case=filed, actor=officer())) is (status in TAKEN_WHEN_OPEN)
    assert A.PINDAH_WILAYAH not in available_actions(case=filed, actor=officer(id=OTHER))


@pytest.mark.parametrize("status", list(S))
def test_nothing_on_a_case_the_officer_may_not_see(status):
    misconduct = case(status, assigned_to_id=ME, category=ComplaintCategory.PUNGLI)
    assert available_actions(case=misconduct, actor=officer()) == ()


def test_in_the_order_of_the_case_page():
    got = available_actions(case=case(S.DITERIMA, assigned_to_id=None), actor=officer(Role.SUPERVISOR))
    assert list(got) == [a for a in CaseAction if a in got] and got[0] is A.AMBIL and got[-1] is A.CATATAN
