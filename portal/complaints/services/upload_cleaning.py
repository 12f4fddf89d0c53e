"""What is done to a resident's file before it is stored, as pure functions of its bytes (no Flask,
no database): they run in a child process with a CPU and memory limit (portal/core/bounded.py).

Images are refused by the dimensions in their header before anything is decoded; JPEGs are decoded
at a reduced scale when they are larger than what is kept (libjpeg's DCT scaling: a 50-megapixel
photo costs about what a 12-megapixel one does), and everything is re-encoded (EXIF, location and
appended bytes dropped), JPEGs at most `MAX_SIDE` pixels on the long side. PNGs are written with
fast compression, never `optimize` (which costs seconds on a large image). HEIC/HEIF photos (an
iPhone's camera) are decoded by pillow-heif (libheif) and kept as JPEGs like any other photo.

PDFs are read with pypdf and written anew without anything a viewer could run or open: the open
action, additional actions (document, page, annotation, form field), the JavaScript and embedded
files name trees, file attachments, rich media, XFA forms, and every action other than going to a
page, a web or mail link, or the next/previous/first/last page. Encrypted PDFs and PDFs of more than
`MAX_PDF_PAGES` pages are refused.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, PdfObject

JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"
HEIC = "image/heic"  # HEIC/HEIF from an iPhone's camera: read, then kept as a JPEG
# The major brands of HEIF stills (ISO/IEC 23008-12): an `ftyp` box at the start names one.
HEIF_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"})
PILLOW_FORMAT = {JPEG: "JPEG", PNG: "PNG", HEIC: "HEIF"}

# Only the primary picture is read: no thumbnails, depth maps or auxiliary images (less work, and
# nothing of them is kept).
pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)

# Pixels decoded at most, by format (checked in the header, before decoding). A JPEG is decoded at
# 1/2, 1/4 or 1/8 scale when it is larger than what is kept, so a 50-megapixel phone photo
# (8160 × 6120) passes; a PNG is decoded and kept whole (resizing costs more than it saves), and
# 16 megapixels still takes a 16 MP phone photo (4618 × 3464), an A4 page scanned at 400 dpi
# (3307 × 4677) or a phone screenshot.
MAX_PIXELS = {JPEG: 50_000_000, PNG: 16_000_000, HEIC: 25_000_000}
# A HEIC is decoded whole (no reduced-scale decoding): a 12-megapixel one takes about 0.7 s of CPU
# at worst (noise), so 25 megapixels (an iPhone's 24-megapixel photo, 5712 × 4284) stays within
# the 2 s allowance; the rare 48-megapixel HEIC is refused by its header with what to do.
# A progressive JPEG is decoded in several passes over every coefficient, at whatever scale: 3×
# slower. Cameras write baseline JPEGs; progressive ones come from the web or chat apps (WhatsApp
# "HD": 4096 × 3072), so they get a lower cap.
MAX_PIXELS_PROGRESSIVE = 20_000_000
MAX_SIDE = 3200  # a JPEG is kept at most this long: an A4 scan at 270 dpi, a KTP with every letter readable
# A large JPEG is decoded at the smallest scale (1/2, 1/4, 1/8) that still gives this long side,
# so that resizing from a full-size decode is rare: what is kept is 2400–3200 pixels long.
MIN_SIDE = 2400
MAX_JPEG_SCANS = 32  # progressive JPEGs have about 10; each scan is one more pass over the whole image
JPEG_QUALITY = 88
RESAMPLE = Image.Resampling.BICUBIC
PNG_COMPRESS_LEVEL = 1  # zlib's fast mode: level 6 takes 6× longer on noisy pixels, `optimize` 13×
MAX_PDF_PAGES = 30

# PDF: what may stay. Anything else that can act is removed.
SAFE_ACTIONS = frozenset({"/GoTo", "/URI", "/Named"})
SAFE_NAMED = frozenset({"/NextPage", "/PrevPage", "/FirstPage", "/LastPage"})
SAFE_URI_SCHEMES = ("http://", "https://", "mailto:")
SAFE_NAME_TREES = frozenset({"/Dests", "/AP"})
REMOVED_KEYS = frozenset(
    {
        "/OpenAction",
        "/AA",  # run on opening, on page or field events
        "/JS",
        "/JavaScript",  # script, wherever it hides
        "/EmbeddedFiles",
        "/EF",
        "/AF",
        "/Collection",  # attached files, portfolios
        "/XFA",
        "/NeedsRendering",  # XFA forms (scripted)
        "/RichMediaContent",
        "/RichMediaSettings",  # Flash, 3D, video
    }
)
UNSAFE_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/SubmitForm",
        "/ImportData",
        "/ResetForm",
        "/GoToR",
        "/GoToE",
        "/RichMediaExecute",
        "/Rendition",
        "/Movie",
        "/Sound",
        "/GoTo3DView",
        "/Hide",
        "/SetOCGState",
        "/Trans",
        "/Thread",
    }
)
REMOVED_ANNOTATIONS = frozenset({"/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"})


class Refused(Exception):
    """The file cannot be kept; `reason` says why (the caller words it for the resident)."""

    def __init__(self, reason: str, **details: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details

    def __reduce__(
        self,
    ) -> tuple[
        Callable[[str, dict[str, int]], Refused], tuple[str, dict[str, int]]
    ]:  # sent back from the child process with its details
        return (_refused, (self.reason, self.details))


def _refused(reason: str, details: dict[str, int]) -> Refused:
    return Refused(reason, **details)


@dataclass(frozen=True, slots=True)
class Cleaned:
    data: bytes
    content_type: str
    notes: dict[str, int] = field(default_factory=dict)


def sniff(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"%PDF-"):
        return PDF
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return HEIC
    return None


def clean(data: bytes) -> Cleaned:
    """The file as it may be stored, or Refused. Runs in the bounded child process."""
    content_type = sniff(data[:16])
    if content_type is None:
        raise Refused("type")
    if content_type == PDF:
        return clean_pdf(data)
    return clean_image(data, content_type)


# Images -------------------------------------------------------------------------------------


def image_size(data: bytes, content_type: str) -> tuple[int, int]:
    """Width and height from the header only (Image.open decodes no pixels)."""
    try:
        with Image.open(io.BytesIO(data), formats=[PILLOW_FORMAT[content_type]]) as image:
            return image.size
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise Refused("unreadable") from None


def _fitted(size: tuple[int, int], side: int) -> tuple[int, int]:
    """`size` scaled down (never up) to fit a `side` × `side` box, aspect kept."""
    scale = min(1.0, side / max(size))
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def clean_image(data: bytes, content_type: str) -> Cleaned:
    """Decode (reduced when large) and re-encode: EXIF (location, camera) and hidden payloads go.
    A HEIC comes back as a JPEG."""
    fmt = PILLOW_FORMAT[content_type]
    if content_type == JPEG and data.count(b"\xff\xda") > MAX_JPEG_SCANS:  # start-of-scan markers
        raise Refused("scans")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[fmt]) as image:  # the header only
                width, height = image.size
                limit = MAX_PIXELS[content_type]
                if fmt == "JPEG" and image.info.get("progressive"):
                    limit = MAX_PIXELS_PROGRESSIVE
                if width * height > limit:
                    raise Refused("pixels", width=width, height=height, limit=limit // 1_000_000)
                if fmt == "JPEG":  # decoded at 1/2, 1/4 or 1/8 scale when that still gives MIN_SIDE
                    image.draft("RGB", _fitted((width, height), MIN_SIDE))
                image.load()
                decoded = image.size
                picture = ImageOps.exif_transpose(image)  # keep the photo upright once EXIF is gone
                if fmt != "PNG":  # a PNG (a scan, a screenshot) keeps every pixel: resizing costs more
                    picture.thumbnail((MAX_SIDE, MAX_SIDE), RESAMPLE, reducing_gap=None)
                out = io.BytesIO()
                if fmt != "PNG":
                    picture.convert("RGB").save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
                else:
                    if picture.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
                        picture = picture.convert("RGBA" if "A" in picture.getbands() else "RGB")
                    picture.save(out, "PNG", compress_level=PNG_COMPRESS_LEVEL)
    except Refused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):  # Pillow's own header check
        raise Refused("pixels", limit=MAX_PIXELS[content_type] // 1_000_000) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise Refused("unreadable") from None
    notes = {"width": width, "height": height, "decoded_width": decoded[0], "decoded_height": decoded[1]}
    return Cleaned(out.getvalue(), PNG if fmt == "PNG" else JPEG, notes)


# PDF ----------------------------------------------------------------------------------------


def clean_pdf(data: bytes) -> Cleaned:
    """The PDF written anew by pypdf from its objects, without anything that can run or open."""
    if b"%%EOF" not in data[-2048:]:
        raise Refused("pdf_truncated")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pypdf warns about every repaired oddity
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise Refused("pdf_encrypted")
            page_tree = reader.root_object["/Pages"]
            if not isinstance(page_tree, DictionaryObject):
                raise Refused("pdf_unreadable")
            declared = page_tree["/Count"]
            if not isinstance(declared, int) or declared > MAX_PDF_PAGES:
                raise Refused("pdf_pages", pages=int(declared) if isinstance(declared, int) else 0, limit=MAX_PDF_PAGES)
            pages = len(reader.pages)
            if pages > MAX_PDF_PAGES:
                raise Refused("pdf_pages", pages=pages, limit=MAX_PDF_PAGES)
            if pages == 0:
                raise Refused("pdf_unreadable")
            removed = _defuse(reader.root_object)
            writer = PdfWriter(clone_from=reader)  # only what the cleaned catalog still reaches
            writer.pdf_header = reader.pdf_header
            out = io.BytesIO()
            writer.write(out)
    except Refused:
        raise
    except (
        PyPdfError,
        ValueError,
        TypeError,
        KeyError,
        AttributeError,
        IndexError,
        AssertionError,
        RecursionError,
        OSError,
        EOFError,
    ):
        raise Refused("pdf_unreadable") from None
    return Cleaned(out.getvalue(), PDF, {"pages": pages, "removed": removed})


def _defuse(root: DictionaryObject) -> int:
    """Remove, in place, everything reachable from the catalog that can run, launch or open;
    returns how many things were removed. Each object is visited once (the graph has cycles)."""
    removed = 0
    names = root.get("/Names")
    if names is not None and isinstance(names.get_object(), DictionaryObject):
        names = names.get_object()
        for key in [k for k in names if k not in SAFE_NAME_TREES]:
            del names[key]
            removed += 1
    seen: set[tuple[int, int]] = set()
    stack: list[PdfObject] = [root]
    while stack:
        item: PdfObject | None = stack.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            removed += _defuse_dictionary(item)
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return removed


def _defuse_dictionary(item: DictionaryObject) -> int:
    removed = 0
    for key in REMOVED_KEYS.intersection(item):
        del item[key]
        removed += 1
    if item.get("/S") in UNSAFE_ACTIONS:  # an action reached some other way: left without a target
        for key in [k for k in item if k not in ("/S", "/Type")]:
            del item[key]
        removed += 1
    action_keys = ("/A", "/PA", "/Next") if "/S" in item else ("/A", "/PA")  # outline items have a /Next too
    for key in action_keys:
        if key in item and _is_action(item[key]) and not _safe_action(item[key]):
            del item[key]
            removed += 1
    annotations = item.get("/Annots")
    if annotations is not None and isinstance(annotations.get_object(), ArrayObject):
        every = annotations.get_object()
        kept = ArrayObject(a for a in every if not _removed_annotation(a))
        if len(kept) != len(every):
            removed += len(every) - len(kept)
            item[NameObject("/Annots")] = kept
    return removed


def _is_action(found: PdfObject) -> bool:
    """An action dictionary, or an array of them (structure attributes under /A have no /S)."""
    value = found.get_object()
    if isinstance(value, ArrayObject):
        return any(_is_action(v) for v in value)
    return isinstance(value, DictionaryObject) and "/S" in value


def _safe_action(found: PdfObject) -> bool:
    """An action (or a chain of them, /Next) that only moves within the document or opens a link."""
    value = found.get_object()
    if isinstance(value, ArrayObject):
        return all(_safe_action(v) for v in value)
    if not isinstance(value, DictionaryObject):
        return False
    kind = value.get("/S")
    if kind not in SAFE_ACTIONS:
        return False
    if kind == "/URI":
        target = value.get("/URI")
        return isinstance(target, str) and target.strip().lower().startswith(SAFE_URI_SCHEMES)
    if kind == "/Named":
        return value.get("/N") in SAFE_NAMED
    return True


def _removed_annotation(found: PdfObject) -> bool:
    annotation = found.get_object()
    return not isinstance(annotation, DictionaryObject) or annotation.get("/Subtype") in REMOVED_ANNOTATIONS
