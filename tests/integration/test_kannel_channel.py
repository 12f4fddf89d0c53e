"""SMS through a real Kannel (bearerbox + smsbox) and Kannel's fake SMSC "phone" (fakesmsc):
the portal's client (portal.notifications.kannel) against what Kannel really sends and answers.

Seen on Kannel 1.4.5 (Debian), and asserted here:
- sendsms answers 202 "0: Accepted for delivery", or "3: Queued for later delivery" while no SMSC
  is connected; a wrong password 403; an empty number 400.
- each message gets two delivery reports from the fake SMSC: 8 ("ACK/", taken by the SMSC) then
  1 (delivered, no text). fakesmsc cannot make a failed one (2 or 16): tests/unit covers their parsing.
- when bearerbox crashes, smsbox closes its sendsms port (connection refused: NOT_SENT) and starts
  itself again 10 s later; bearerbox's store-file keeps what it had accepted, which reaches the
  phone, with its reports, once bearerbox is back.
"""

from __future__ import annotations

import socket

import pytest

from portal.notifications.delivery import Outcome
from portal.notifications.kannel import (
    DeliveryState,
    KannelSettings,
    parse_delivery_report,
    parse_incoming,
    send_sms,
    token_ok,
)
from tests.helpers import free_port
from tests.helpers.kannel import INCOMING_PATH, REPORT_PATH, SHORTCODE, KannelStack, kannel_available

RESIDENT = "+6281234567890"


def _stack(tmp_path_factory: pytest.TempPathFactory, name: str):
    reason = kannel_available()
    if reason is not None:
        pytest.skip(reason)
    return KannelStack.started(tmp_path_factory.mktemp(name))


@pytest.fixture(scope="module")
def kannel(tmp_path_factory):
    """One Kannel for the tests that leave it as they found it."""
    with _stack(tmp_path_factory, "kannel") as stack:
        yield stack


@pytest.fixture
def own_kannel(tmp_path_factory):
    """A Kannel of the test's own, for those that stop, pause or cut a part of it."""
    with _stack(tmp_path_factory, "kannel-own") as stack:
        yield stack


def _reports(kannel: KannelStack, message_id: int, count: int):
    requests = kannel.portal.wait_for(path=REPORT_PATH, count=count, id=str(message_id))
    return [(parse_delivery_report(r.args), r.args.get("token")) for r in requests]


def test_an_sms_reaches_the_phone_with_its_number_sender_and_text(kannel):
    text = "SIGAP: balasan untuk pengaduan SGP-2026-0042 sudah ada. Lihat di sigap.bekasikota.go.id/lacak"
    assert send_sms(kannel.settings, to=RESIDENT, text=text, message_id=101).outcome is Outcome.SENT

    [got] = kannel.received(timeout=10)
    assert (got.sender, got.to, got.text, got.parts) == (SHORTCODE, RESIDENT, text, 1)


def test_gsm_extension_characters_unicode_and_long_texts_arrive_whole(kannel):
    sent = {
        102: "Kode {A1} [lihat] ~ €5",  # GSM-7 extension table: sent as 7-bit
        103: "Terima kasih 🙏 — Dinas Tenaga Kerja",  # not GSM-7: UCS-2
        104: "Pemberitahuan " + "panjang " * 22,  # 190 characters: two parts, joined again
    }
    for message_id, text in sent.items():
        assert send_sms(kannel.settings, to=RESIDENT, text=text, message_id=message_id).outcome is Outcome.SENT

    got = kannel.received(timeout=10, count=3)
    assert sorted(m.text for m in got) == sorted(sent.values())
    assert {m.text: m.parts for m in got}[sent[104]] == 2


def test_kannel_reports_the_sms_taken_by_the_smsc_then_delivered(kannel):
    assert send_sms(kannel.settings, to=RESIDENT, text="Laporan terkirim?", message_id=105).outcome is Outcome.SENT
    kannel.received(timeout=10)

    reports = _reports(kannel, 105, count=2)
    assert all(report is not None for report, _ in reports)
    # smsbox posts the two reports in parallel: they may come in either order
    (taken, taken_token), (delivered, delivered_token) = sorted(reports, key=lambda r: -r[0].status)
    assert (taken.message_id, taken.status, taken.state, taken.reason) == (105, 8, DeliveryState.PENDING, "ACK/")
    assert (delivered.status, delivered.state, delivered.reason) == (1, DeliveryState.DELIVERED, "")
    # Kannel's own clock (the tests run on the test calendar, not the machine's)
    assert taken.at is not None and delivered.at is not None and taken.at <= delivered.at
    assert token_ok(kannel.settings, taken_token) and token_ok(kannel.settings, delivered_token)
    assert not token_ok(kannel.settings, "someone-else-guessing-0000")


def test_a_phones_message_reaches_the_portal_with_the_text_in_the_body(kannel):
    kannel.send_from_phone(RESIDENT, "CEK 3275010101900001 SITI AMINAH")
    kannel.send_from_phone("+6285712345678", "Sudah saya kirim fotonya 👍")

    first, second = kannel.portal.wait_for(path=INCOMING_PATH, count=2)
    for request in (first, second):
        assert request.method == "POST" and token_ok(kannel.settings, request.args.get("token"))
        assert "3275010101900001" not in request.path + str(request.args)  # the NIK stays out of the URL
    resident = parse_incoming(first.args, first.body)
    assert resident is not None
    assert (resident.from_number, resident.text, resident.to) == (RESIDENT, "CEK 3275010101900001 SITI AMINAH", "1708")
    assert resident.provider_id and resident.at.tzinfo is not None
    other = parse_incoming(second.args, second.body)
    assert other is not None and (other.from_number, other.text) == ("+6285712345678", "Sudah saya kirim fotonya 👍")


def test_a_wrong_password_is_not_sent_with_kannels_words(kannel):
    s = kannel.settings
    wrong = KannelSettings(s.sendsms_url, s.username, "wrong", s.sender, s.dlr_url_base, s.dlr_token)

    result = send_sms(wrong, to=RESIDENT, text="Halo", message_id=106)

    assert (result.outcome, result.permanent) == (Outcome.NOT_SENT, False)  # the setup's fault, not the message's
    assert result.error == "HTTP 403: Authorization failed for sendsms"


def test_nothing_listening_is_not_sent():
    s = KannelSettings(
        f"http://127.0.0.1:{free_port()}/cgi-bin/sendsms", "u", "p", "1708", "http://x/l", "token-0123456789abcdef"
    )
    result = send_sms(s, to=RESIDENT, text="Halo", message_id=1)
    assert result.outcome is Outcome.NOT_SENT and "ConnectionRefused" in result.error


def test_an_answer_that_never_comes_is_uncertain_and_the_sms_may_well_go(own_kannel):
    s = own_kannel.settings
    impatient = KannelSettings(s.sendsms_url, s.username, s.password, s.sender, s.dlr_url_base, s.dlr_token, timeout=1)
    own_kannel.pause("bearerbox")  # smsbox has the request and waits for bearerbox's acknowledgement
    try:
        result = send_sms(impatient, to=RESIDENT, text="Tidak pasti", message_id=107)
    finally:
        own_kannel.resume("bearerbox")

    assert result.outcome is Outcome.UNCERTAIN and "timed out" in result.error
    [got] = own_kannel.received(timeout=10)  # sent all the same: trying again would send it twice
    assert got.text == "Tidak pasti"


def test_a_paused_smsbox_is_uncertain_too(own_kannel):
    s = own_kannel.settings
    impatient = KannelSettings(s.sendsms_url, s.username, s.password, s.sender, s.dlr_url_base, s.dlr_token, timeout=1)
    own_kannel.pause("smsbox")  # the kernel takes the connection and the request; nobody answers
    try:
        result = send_sms(impatient, to=RESIDENT, text="Tidak pasti juga", message_id=113)
    finally:
        own_kannel.resume("smsbox")

    # Seen both: smsbox, running again, sometimes sends the message of a request its client has
    # given up on and sometimes drops it. The client cannot know which: UNCERTAIN.
    assert result.outcome is Outcome.UNCERTAIN and "timed out" in result.error


def test_while_the_smsc_link_is_down_kannel_queues_and_delivers_when_it_returns(own_kannel):
    own_kannel.disconnect_phone()

    result = send_sms(own_kannel.settings, to=RESIDENT, text="Menunggu SMSC", message_id=108)

    assert result.outcome is Outcome.SENT  # "3: Queued for later delivery"
    assert own_kannel.received(timeout=1.5) == []
    own_kannel.connect_phone()
    [got] = own_kannel.received(timeout=10)
    assert got.text == "Menunggu SMSC"
    # Both reports come at once and smsbox posts them in parallel: in either order.
    assert sorted(r[0].status for r in _reports(own_kannel, 108, count=2)) == [1, 8]


def test_a_bearerbox_crash_loses_nothing_kannel_had_accepted(own_kannel):
    own_kannel.disconnect_phone()  # so that the message waits in bearerbox when it dies
    assert send_sms(own_kannel.settings, to=RESIDENT, text="Sebelum mati", message_id=109).outcome is Outcome.SENT

    own_kannel.stop_bearerbox(crash=True)
    down = send_sms(own_kannel.settings, to=RESIDENT, text="Saat mati", message_id=110)
    assert down.outcome is Outcome.NOT_SENT and "ConnectionRefused" in down.error  # smsbox closed its port

    own_kannel.start_bearerbox()  # loads its store-file; the phone reconnects; smsbox comes back by itself
    [got] = own_kannel.received(timeout=15)
    assert got.text == "Sebelum mati"
    assert sorted(r[0].status for r in _reports(own_kannel, 109, count=2)) == [1, 8]
    assert send_sms(own_kannel.settings, to=RESIDENT, text="Sesudah", message_id=111).outcome is Outcome.SENT
    assert [m.text for m in own_kannel.received(timeout=10)] == ["Sesudah"]


def test_a_stopped_kannel_is_not_sent(own_kannel):
    own_kannel.stop_bearerbox()  # a clean stop takes smsbox down with it

    result = send_sms(own_kannel.settings, to=RESIDENT, text="Halo", message_id=112)

    assert result.outcome is Outcome.NOT_SENT
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", own_kannel.ports.sendsms), timeout=1).close()


def test_smsbox_posts_again_what_the_portal_did_not_take_with_the_same_kannel_id(own_kannel):
    """smsbox tries a failed post-url or dlr-url 3 more times (http-request-retry = 3, http-queue-delay = 1) for
    any answer but 2xx: the portal answers 2xx to what it has recorded and drops repeats by id."""
    own_kannel.portal.status = 500
    own_kannel.send_from_phone(RESIDENT, "BANTUAN")

    posts = own_kannel.portal.wait_for(path=INCOMING_PATH, count=4, timeout=20)

    assert len({parse_incoming(p.args, p.body).provider_id for p in posts}) == 1
    own_kannel.portal.status = 200
