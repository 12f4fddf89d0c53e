"""portal.notifications.kannel without Kannel: GSM-7 and parts, the dlr-url and sendsms query,
the parsing of what Kannel posts (bad input gives None, never an exception), the token, and the
three outcomes of a sendsms request against plain sockets."""

from __future__ import annotations

import socket
import threading
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.notifications import kannel
from portal.notifications.delivery import Outcome
from portal.notifications.kannel import (
    DeliveryState,
    KannelSettings,
    dlr_url,
    is_gsm7,
    parse_delivery_report,
    parse_incoming,
    send_sms,
    sendsms_query,
    sms_parts,
    token_ok,
)

TOKEN = "shared-token-0123456789"  # noqa: S105 (tests only)


def settings(url: str = "http://127.0.0.1:13013/cgi-bin/sendsms", **changes) -> KannelSettings:
    values = {
        "sendsms_url": url,
        "username": "sigap",
        "password": "rahasia",
        "sender": "1708",
        "dlr_url_base": "https://sigap.example/kanal/sms/laporan",
        "dlr_token": TOKEN,
        "timeout": 1.0,
    }
    return KannelSettings(**(values | changes))


# -- GSM-7 and parts ---------------------------------------------------------------------------


def test_the_gsm_tables_have_their_127_and_10_characters():
    assert len(kannel._GSM7_BASIC) == 127 and len(kannel._GSM7_EXTENSION) == 10
    assert "\x1b" not in kannel._GSM7_BASIC  # the escape itself is no character of a text


@pytest.mark.parametrize(
    ("text", "gsm"),
    [
        ("Halo Bu Siti, pengaduan SGP-2026-0042 sudah dijawab.", True),
        ("{kode} [A] ~ | \\ ^ €", True),
        ("@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¡ÄÖÑÜ§¿äöñüà\r\n", True),
        ("", True),
        ("Terima kasih 🙏", False),
        ("café ç", False),  # ç is not GSM (only Ç)
        ("tab\there", False),
        ("“kutip”", False),
    ],
)
def test_is_gsm7(text, gsm):
    assert is_gsm7(text) is gsm


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("", 1),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),  # 160 septets
        ("€" * 81, 2),
        ("a" * 152 + "€" + "a" * 152, 3),  # the escape pair is never split: 152 | € + 151 | 1
        ("í" * 70, 1),
        ("í" * 71, 2),
        ("í" * 134, 2),
        ("í" * 135, 3),
        ("😀" * 35, 1),  # 70 UTF-16 units
        ("😀" * 36, 2),
        ("í" * 66 + "😀" + "í" * 66, 3),  # the surrogate pair is never split: 66 | 😀 + 65 | 1
    ],
)
def test_sms_parts(text, parts):
    assert sms_parts(text) == parts


# -- what is sent ------------------------------------------------------------------------------


def test_the_dlr_url_carries_the_message_the_token_and_kannels_escapes():
    url = dlr_url(settings(), 42)
    assert url == f"https://sigap.example/kanal/sms/laporan?id=42&token={TOKEN}&status=%d&reply=%A&at=%T"
    assert dlr_url(settings(dlr_url_base="https://x/laporan?kanal=sms"), 7).startswith(
        "https://x/laporan?kanal=sms&id=7&"
    )


def test_the_sendsms_query_asks_for_every_report_and_the_right_coding():
    query = sendsms_query(settings(smsc_id="aggregator"), to="+6281234567890", text="Halo {x}", message_id=9)
    assert query | {"dlr-url": "…"} == {
        "username": "sigap",
        "password": "rahasia",
        "from": "1708",
        "to": "+6281234567890",
        "text": "Halo {x}",
        "charset": "UTF-8",
        "coding": "0",
        "dlr-mask": "31",
        "dlr-url": "…",
        "smsc": "aggregator",
    }
    assert sendsms_query(settings(), to="+6281234567890", text="🙏", message_id=9)["coding"] == "2"
    assert "smsc" not in sendsms_query(settings(), to="+6281234567890", text="x", message_id=9)


def test_settings_refuse_what_would_break_the_dlr_url_and_hide_the_secrets():
    with pytest.raises(ValueError, match="dlr_token"):
        settings(dlr_token="short")  # noqa: S106
    with pytest.raises(ValueError, match="dlr_token"):
        settings(dlr_token="with%25percent-0123456789")  # noqa: S106
    with pytest.raises(ValueError, match="dlr_url_base"):
        settings(dlr_url_base="https://x/l?a=%41")
    with pytest.raises(ValueError, match="sendsms_url"):
        settings(url="ftp://kannel/")
    shown = repr(settings())
    assert "rahasia" not in shown and TOKEN not in shown


@pytest.mark.parametrize(("to", "text"), [("081234567890", "Halo"), ("+62 812", "Halo"), ("+6281234567890", "")])
def test_a_number_not_in_e164_or_an_empty_text_is_not_sent_without_asking_kannel(to, text):
    result = send_sms(settings("http://127.0.0.1:9/cgi-bin/sendsms"), to=to, text=text, message_id=1)
    assert result.outcome is Outcome.NOT_SENT and result.error and result.permanent


# -- the three outcomes, against sockets that misbehave -------------------------------------------


def _server(behaviour) -> tuple[str, list[bytes]]:
    """A loopback listener doing `behaviour(connection, seen)` with its one connection."""
    listener = socket.create_server(("127.0.0.1", 0))
    seen: list[bytes] = []

    def run():
        with listener:
            connection, _ = listener.accept()
            with connection:
                behaviour(connection, seen)

    threading.Thread(target=run, daemon=True).start()
    return f"http://127.0.0.1:{listener.getsockname()[1]}/cgi-bin/sendsms", seen


def _read_request(connection: socket.socket, seen: list[bytes]) -> None:
    data = b""
    while b"\r\n\r\n" not in data:
        data += connection.recv(65536)
    seen.append(data)


def test_an_answer_lost_after_the_request_is_uncertain():
    def hang_up(connection, seen):
        _read_request(connection, seen)  # then close without a word

    url, seen = _server(hang_up)
    result = send_sms(settings(url), to="+6281234567890", text="Halo", message_id=3)
    assert result.outcome is Outcome.UNCERTAIN and "RemoteDisconnected" in result.error
    request = urlsplit(seen[0].split(b" ")[1].decode())
    assert parse_qs(request.query)["dlr-mask"] == ["31"]


def test_no_answer_in_time_is_uncertain():
    release = threading.Event()

    def say_nothing(connection, seen):
        _read_request(connection, seen)
        release.wait(5)

    url, _ = _server(say_nothing)
    result = send_sms(settings(url, timeout=0.5), to="+6281234567890", text="Halo", message_id=3)
    release.set()
    assert result.outcome is Outcome.UNCERTAIN and "timed out" in result.error


@pytest.mark.parametrize(
    ("answer", "outcome", "permanent"),
    [
        (b"HTTP/1.1 202 Accepted\r\nContent-Length: 24\r\n\r\n0: Accepted for delivery", Outcome.SENT, False),
        (b"HTTP/1.1 202 Accepted\r\nContent-Length: 28\r\n\r\n3: Queued for later delivery", Outcome.SENT, False),
        (
            b"HTTP/1.1 400 Bad\r\nContent-Length: 43\r\n\r\nEmpty receiver number not allowed, rejected",
            Outcome.NOT_SENT,
            True,
        ),
        (
            b"HTTP/1.1 403 Forbidden\r\nContent-Length: 32\r\n\r\nAuthorization failed for sendsms",
            Outcome.NOT_SENT,
            False,
        ),
        (b"HTTP/1.1 503 Unavailable\r\nContent-Length: 14\r\n\r\nSending failed", Outcome.NOT_SENT, False),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n<html>", Outcome.UNCERTAIN, False),  # not smsbox talking
    ],
)
def test_kannels_answers(answer, outcome, permanent):
    def reply(connection, seen):
        _read_request(connection, seen)
        connection.sendall(answer)

    url, _ = _server(reply)
    result = send_sms(settings(url), to="+6281234567890", text="Halo", message_id=3)
    assert (result.outcome, result.permanent) == (outcome, permanent)
    assert (result.error == "") is (outcome is Outcome.SENT)


# -- what Kannel posts back --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "reply", "state"),
    [
        ("1", None, DeliveryState.DELIVERED),
        ("2", "id:1 sub:001 dlvrd:000 stat:UNDELIV err:001", DeliveryState.FAILED),
        ("4", None, DeliveryState.PENDING),
        ("8", "ACK/", DeliveryState.PENDING),
        ("16", "NACK/0x0000000b/Invalid Destination Address", DeliveryState.FAILED),
    ],
)
def test_a_delivery_report(status, reply, state):
    args = {"id": "42", "token": TOKEN, "status": status, "at": "1796505360"} | ({"reply": reply} if reply else {})
    report = parse_delivery_report(args)
    assert report is not None
    assert (report.message_id, report.state, report.status, report.reason) == (42, state, int(status), reply or "")
    assert report.at == datetime(2026, 12, 5, 21, 16, tzinfo=UTC)


@pytest.mark.parametrize(
    "args",
    [
        {},
        {"id": "42"},
        {"status": "1"},
        {"id": "abc", "status": "1"},
        {"id": "0", "status": "1"},
        {"id": "-3", "status": "1"},
        {"id": "٤٢", "status": "1"},  # digits, but not ASCII ones
        {"id": "42", "status": "3"},
        {"id": "42", "status": "%d"},  # a dlr-url Kannel did not fill in
        {"id": "9" * 40, "status": "1"},
    ],
)
def test_a_malformed_delivery_report_is_none(args):
    assert parse_delivery_report(args) is None


def test_a_report_without_a_usable_time_still_counts():
    report = parse_delivery_report({"id": "1", "status": "1", "at": "%T"})
    assert report is not None and report.at is None


def test_a_phones_message():
    args = {"from": "6281234567890", "to": "1708", "at": "1796505360", "id": "f357a0dd", "token": TOKEN}
    incoming = parse_incoming(args, "CEK 3275010101900001 SITI")
    assert incoming == kannel.IncomingSms(
        from_number="+6281234567890",
        text="CEK 3275010101900001 SITI",
        at=datetime(2026, 12, 5, 21, 16, tzinfo=UTC),
        to="1708",
        provider_id="f357a0dd",
    )
    assert parse_incoming(args | {"from": "081234567890"}, "x").from_number == "+6281234567890"
    assert len(parse_incoming(args, "x" * 5000).text) == kannel.TEXT_LIMIT


@pytest.mark.parametrize(
    "args",
    [
        {"at": "1796505360"},
        {"from": "1708", "at": "1796505360"},  # a shortcode, not a phone
        {"from": "TELKOMSEL", "at": "1796505360"},
        {"from": "+6281234567890"},
        {"from": "+6281234567890", "at": "kemarin"},
        {"from": "+62" + "8" * 30, "at": "1796505360"},
    ],
)
def test_a_malformed_phone_message_is_none(args):
    assert parse_incoming(args, "Halo") is None


@given(st.dictionaries(st.sampled_from(["id", "status", "reply", "at", "from", "to", "token"]), st.text()), st.text())
def test_parsing_never_raises(args, body):
    parse_delivery_report(args)
    parse_incoming(args, body)
    token_ok(settings(), args.get("token"))


def test_the_token():
    s = settings()
    assert token_ok(s, TOKEN)
    assert not token_ok(s, TOKEN[:-1] + "x")
    assert not token_ok(s, "")
    assert not token_ok(s, None)
    assert not token_ok(s, "tökén")
