"""Reading a skillwallet resume PDF back: the attached presentation, the credential lines its text shows, and
(for a PDF without an attachment) the QR codes on its pages.

The PDF is untrusted input from whoever sent it. It is read with pypdf (never a parser of our own), within
bounds fixed before any work is done: the file's size, the pages read, the attachment's size, the images
decoded and their pixel count (the hostile-input rules of ``tests/hostile``). What the text shows is matched to
the signed presentation entry by entry: the proof is what is checked, the text is what the reader believes, and
a resume line the proof does not back is flagged.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from skillwallet.errors import InvalidInputError

MAX_PDF_BYTES = 32 * 1024 * 1024
MAX_PAGES = 100  # a resume of 200 credentials is about 40 pages
MAX_ATTACHMENT_BYTES = 8 * 1024 * 1024
MAX_TEXT_CHARACTERS = 2_000_000
MAX_IMAGES = 600
MAX_IMAGE_PIXELS = 4_000_000  # per image, read from its dictionary before it is decoded
MAX_QR_CODES = 400

# The entry's title is drawn at the title size (export/pdf.py ``paragraph_styles()["title"]``); in the credentials
# section nothing else is (group headings 9.5 pt, the type label after a title 8 pt).
TITLE_SIZE = 10.5
NAME_SIZE = 20  # the holder's name at the top of page 1 (``paragraph_styles()["name"]``, 24 pt)
_WALLET_ID = re.compile(r"Wallet id ([0-9a-f]{6,64})")
_PROOF = re.compile(r"Proof credential (\d{1,5})")
_HEADING = re.compile(r"CREDENTIALS \((\d+)")


@dataclass
class ResumeLine:
    """One credential entry the resume's text shows."""

    wallet_id: str
    title: str
    proof_index: int | None  # the 1-based place in the attached presentation it claims, if any
    page: int
    text: str = ""  # the rest of the entry (issuer, dates, status, ids), compacted
    tail: str = ""  # what follows it up to the next title (notes, QR caption, footer, group heading)


@dataclass
class ResumePdf:
    attachment: bytes | None  # the attached presentation's bytes
    attachment_name: str | None
    lines: list[ResumeLine] = field(default_factory=list)
    listed: int | None = None  # the count in the "Credentials (n ...)" heading
    qr_texts: list[str] = field(default_factory=list)
    hidden: dict[int, str] = field(default_factory=dict)  # page -> how text on it is drawn that a reader cannot see
    name: str = ""  # the holder's name as page 1 shows it, compacted (it is in every page's footer)
    lead: str = ""  # between the credentials heading and the first title
    stray: list[tuple[int, str]] = field(default_factory=list)  # (page, text) read in no entry: an unclosed one


def compact(text: str | None) -> str:
    """Text without whitespace, case-folded: titles compare equal across line wraps and text extraction."""
    return "".join((text or "").split()).casefold()


def _reader(data: bytes):
    from pypdf import PdfReader

    if len(data) > MAX_PDF_BYTES:
        raise InvalidInputError(f"PDF of {len(data):,} bytes refused: larger than {MAX_PDF_BYTES // (1 << 20)} MiB")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        pages = len(reader.pages)
    except Exception as exc:  # noqa: BLE001 - any pypdf failure is unreadable input
        raise InvalidInputError(f"not a readable PDF ({type(exc).__name__})") from None
    if reader.is_encrypted:
        raise InvalidInputError("the PDF is encrypted; skillwallet reads only unencrypted resumes")
    if pages > MAX_PAGES:
        raise InvalidInputError(f"PDF of {pages} pages refused: more than {MAX_PAGES}")
    return reader


# Every stream pypdf decodes here (content streams, the attachment, images) stops at this many bytes: a few KB
# of Flate can claim gigabytes. pypdf's own default is 75 MB per stream.
MAX_STREAM_BYTES = 16 * 1024 * 1024


def read_resume_pdf(data: bytes, *, attachment_name: str, with_qr: bool = True) -> ResumePdf:
    """The attached presentation (``attachment_name``, else the only JSON attachment), the credential lines of the
    text, and, when there is no attachment and ``with_qr``, the QR codes' texts. :class:`InvalidInputError` for
    a PDF that cannot be read or is over a bound."""
    import dataclasses

    from pypdf import Configuration, apply_configuration

    known = {f.name for f in dataclasses.fields(Configuration)}  # the filters this pypdf bounds (brotli: newer ones)
    limits = {name: MAX_STREAM_BYTES for name in (
        "maximum_declared_stream_length", "zlib_maximum_output_length", "lzw_maximum_output_length",
        "run_length_maximum_output_length", "array_based_stream_maximum_output_length", "jbig2_maximum_output_length",
        "brotli_maximum_output_length") if name in known}
    with apply_configuration(**limits):
        return _read_resume_pdf(data, attachment_name=attachment_name, with_qr=with_qr)


def _read_resume_pdf(data: bytes, *, attachment_name: str, with_qr: bool) -> ResumePdf:
    reader = _reader(data)
    attachment, name = _attachment(reader, attachment_name)
    out = ResumePdf(attachment=attachment, attachment_name=name)
    try:
        _read_lines(reader, out)
    except InvalidInputError:
        raise
    except Exception as exc:  # noqa: BLE001 - damaged content streams: the text is unreadable, the proof may not be
        raise InvalidInputError(f"the PDF's text could not be read ({type(exc).__name__})") from None
    if with_qr:
        # with the proof attached too: an employer who scans a code trusts the page it opens
        out.qr_texts = _qr_codes(reader)
    return out


def _attachment(reader, wanted: str) -> tuple[bytes | None, str | None]:
    try:
        attachments = reader.attachments
        names = list(attachments.keys())
    except Exception:  # noqa: BLE001 - a damaged names tree: no attachment to read
        return None, None
    if wanted in names:
        name = wanted
    else:
        candidates = [n for n in names if n.lower().endswith(".json")]
        if len(candidates) > 1:
            # falling back to the QR codes would let a second file decide what is checked
            raise InvalidInputError(f"the PDF attaches {len(candidates)} JSON files and none named {wanted}; "
                                    "refusing to choose")
        if not candidates:
            return None, None
        name = candidates[0]
    try:
        contents = attachments[name]
    except Exception as exc:  # noqa: BLE001
        raise InvalidInputError(f"the attached {name} could not be read ({type(exc).__name__})") from None
    if len(contents) != 1:
        raise InvalidInputError(f"the PDF attaches {len(contents)} files named {name}; refusing to choose")
    blob = contents[0]
    if len(blob) > MAX_ATTACHMENT_BYTES:
        raise InvalidInputError(f"the attached {name} is larger than {MAX_ATTACHMENT_BYTES // (1 << 20)} MiB; refused")
    return bytes(blob), name


def _read_lines(reader, out: ResumePdf) -> None:
    """The credential entries of the text: each one's bold title runs, closed by its "Wallet id" line."""
    started = False
    title: list[str] = []
    rest: list[str] = []
    total = 0

    for number, page in enumerate(reader.pages, 1):
        runs: list[tuple[str, bool]] = []

        def visit(text, cm, tm, font, size, runs=runs, number=number):
            # by size alone: a title's CJK characters are drawn in a fallback font that is not bold
            runs.append((text, abs(float(size or 0) - TITLE_SIZE) < 0.05))
            if number == 1 and not started and float(size or 0) >= NAME_SIZE:
                out.name += compact(text)

        ink = _Ink(page)
        page.extract_text(visitor_text=visit, visitor_operand_before=ink.operator)
        if ink.hidden:
            out.hidden[number] = ink.hidden
        for text, is_title in runs:
            total += len(text)
            if total > MAX_TEXT_CHARACTERS:
                raise InvalidInputError("the PDF holds more text than a resume; refused")
            if not started:
                heading = _HEADING.search(text)
                if heading:
                    started = True
                    out.listed = int(heading.group(1))
                continue
            if is_title:
                if rest and not "".join(title).strip():  # pypdf reports line breaks in the title's size too
                    # what came before this title belongs to the previous entry (or, before the first, the
                    # heading): its notes, QR caption, the page footer, the next group's heading
                    if out.lines:
                        out.lines[-1].tail += "".join(rest)
                    else:
                        out.lead += "".join(rest)
                elif rest:
                    out.stray.append((number, "".join(rest)))  # between the runs of one title
                title.append(text)
                rest.clear()
                continue
            rest.append(text)
            found = _WALLET_ID.search(text)
            if found:
                proof = _PROOF.search(" ".join(rest))
                out.lines.append(ResumeLine(
                    wallet_id=found.group(1),
                    title=" ".join(" ".join(title).split()),
                    proof_index=int(proof.group(1)) if proof else None,
                    page=number,
                    text=compact("".join(rest)),
                ))
                title, rest = [], []
    if "".join(title).strip():
        out.stray.append((len(reader.pages), " ".join(title) + " " + "".join(rest)))
    elif rest and out.lines:
        out.lines[-1].tail += "".join(rest)
    elif rest:
        out.lead += "".join(rest)


def _raw_end(raw: str, end: str) -> str:
    """The end of ``raw`` whose compacted form is ``end`` (``raw`` itself when casefolding changed lengths)."""
    count = 0
    for index in range(len(raw) - 1, -1, -1):
        if not raw[index].isspace():
            count += 1
            if count == len(end):
                return raw[index:] if compact(raw[index:]) == end else raw
    return raw


def _unexplained(text: str, *, name: str, credential_id: str | None = None) -> str:
    """What is left of ``text`` (compacted) once the words a genuine resume draws between its entries are taken
    off (export/pdf.py): the credential id, the notes, the QR caption, the footer, a group heading."""
    from skillwallet.export.pdf import (CAPTION_EMBEDDED, CAPTION_URL, FOOTER_WORDS, HOW_TO_CHECK,
                                        HOW_TO_CHECK_PROOF)
    from skillwallet.export.resume import EMBEDDED_QR_HELP, GROUP_ORDER

    fixed = [compact(t) for t in (HOW_TO_CHECK, HOW_TO_CHECK_PROOF, CAPTION_URL, CAPTION_EMBEDDED, EMBEDDED_QR_HELP,
                                  *GROUP_ORDER)]
    if credential_id:
        fixed.append(compact("· Credential id " + credential_id))
    patterns = [
        re.compile(re.escape(name + "·" + compact(FOOTER_WORDS)) + r"\d{1,2}[a-z]{3}\d{4}"),
        re.compile(r"page\d+of\d+"),
        re.compile(r",\d+verified\)"),  # the rest of the heading
        re.compile(r"noqrcode:[^.]{1,200}\."),
    ]
    text = compact(text)
    while text:
        for piece in fixed:
            if piece and text.startswith(piece):
                text = text[len(piece):]
                break
        else:
            for pattern in patterns:
                found = pattern.match(text)
                if found and found.end():
                    text = text[found.end():]
                    break
            else:
                return text
    return ""


# A genuine resume draws every letter in plain ink (export/pdf.py): filled, in a dark palette colour, opaque, at
# 6 pt or more, on the page. Text drawn otherwise is text the extractor reads and a person does not see: an
# applicant hides the genuine title that way and draws another in its place as paths or an image.
_SHOW_TEXT = {b"Tj", b"TJ", b"'", b'"'}
MIN_VISIBLE_POINTS = 2.0
MIN_HORIZONTAL_SCALE = 30.0  # per cent (ISO 32000-1 §9.3.4 Tz)
MIN_OPACITY = 0.3
LIGHTEST_INK = 0.85  # a colour whose every channel is this light is near the white of the page


class _Ink:
    """Follows the graphics state (ISO 32000-1 §8.4, §9.3) through a page's operators, as pypdf's text extraction
    visits them, and records the first text drawn in a state that leaves it unseen."""

    def __init__(self, page) -> None:
        self.hidden = ""
        self.state = {"fill": (0.0,), "stroke": (0.0,), "mode": 0, "scale": 100.0, "rise": 0.0, "size": 0.0,
                      "fill_alpha": 1.0, "stroke_alpha": 1.0}
        self.stack: list[dict] = []
        try:
            box = page.mediabox
            self.box = (float(box.left), float(box.bottom), float(box.right), float(box.top))
        except Exception:  # noqa: BLE001 - no readable page box: nothing is off the page
            self.box = None
        self.graphics_states = _graphics_states(page)

    def operator(self, operator: bytes, operands, cm, tm) -> None:
        try:
            self._operator(operator, operands, cm, tm)
        except (TypeError, ValueError, IndexError, KeyError, AttributeError):
            pass  # a malformed operand: pypdf's own reading of it decides what text there is

    def _operator(self, operator: bytes, operands, cm, tm) -> None:
        state = self.state
        numbers = [float(o) for o in operands if isinstance(o, (int, float))]
        if operator == b"q":
            self.stack.append(dict(state))
        elif operator == b"Q" and self.stack:
            self.state = self.stack.pop()
        elif operator in (b"g", b"rg", b"k", b"sc", b"scn"):
            state["fill"] = _lightness(numbers)
        elif operator in (b"G", b"RG", b"K", b"SC", b"SCN"):
            state["stroke"] = _lightness(numbers)
        elif operator == b"Tr" and numbers:
            state["mode"] = int(numbers[0])
        elif operator == b"Tz" and numbers:
            state["scale"] = numbers[0]
        elif operator == b"Ts" and numbers:
            state["rise"] = numbers[0]
        elif operator == b"Tf" and numbers:
            state["size"] = numbers[-1]
        elif operator == b"gs" and operands:
            found = self.graphics_states.get(str(operands[0]))
            if found is None:
                state["fill_alpha"] = state["stroke_alpha"] = 0.0  # a state the reader cannot look up: unseen
            else:
                state["fill_alpha"] = float(found.get("/ca", state["fill_alpha"]))
                state["stroke_alpha"] = float(found.get("/CA", state["stroke_alpha"]))
        elif operator in _SHOW_TEXT and not self.hidden:
            self.hidden = self._unseen(cm, tm)

    def _unseen(self, cm, tm) -> str:
        state = self.state
        mode = state["mode"]
        if mode in (3, 7):
            return "invisible text (render mode 3)"
        filled, stroked = mode in (0, 2, 4, 6), mode in (1, 2, 5, 6)
        inks = ([(state["fill"], state["fill_alpha"])] if filled else []) + \
               ([(state["stroke"], state["stroke_alpha"])] if stroked else [])
        if all(light >= LIGHTEST_INK for light, _ in inks):
            return "text in white"
        if all(alpha < MIN_OPACITY for _, alpha in inks):
            return "transparent text"
        if abs(state["scale"]) < MIN_HORIZONTAL_SCALE:
            return "text squeezed flat"
        # the text matrix then the current transformation (§9.4.4): where the text starts, and how big it is
        a, b, c, d, e, f = (float(v) for v in tm)
        A, B, C, D, E, F = (float(v) for v in cm)
        m = (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)
        rise = state["rise"]
        x, y = m[2] * rise + m[4], m[3] * rise + m[5]
        height = abs(state["size"]) * (abs(m[0] * m[3] - m[1] * m[2]) ** 0.5)
        if height < MIN_VISIBLE_POINTS:
            return "text too small to read"
        if self.box is not None:
            left, bottom, right, top = self.box
            if not (left - 1 <= x <= right + 1 and bottom - 1 <= y <= top + 1):
                return "text off the page"
        return ""


def _lightness(numbers: list[float]) -> float:
    """How light a colour is, 0 (black) to 1 (white), by its number of components: gray, RGB, CMYK."""
    if len(numbers) == 1:
        return numbers[0]
    if len(numbers) == 3:
        return min(numbers)
    if len(numbers) == 4:
        return 1 - max(numbers)
    return 0.0  # a pattern or another colour space: counted as ink


def _graphics_states(page) -> dict:
    """The ExtGState dictionaries the page and its forms name (ISO 32000-1 §8.4.5), by name."""
    out: dict = {}
    try:
        resources = page.get("/Resources") or {}
        places = [resources]
        for ref in (resources.get("/XObject") or {}).values():
            form = ref.get_object()
            if form.get("/Subtype") == "/Form" and form.get("/Resources"):
                places.append(form["/Resources"])
        for place in places:
            for name, ref in (place.get_object().get("/ExtGState") or {}).items():
                out.setdefault(str(name), ref.get_object())
    except Exception:  # noqa: BLE001 - unreadable resources: the names stay unknown, so unseen
        pass
    return out


def _qr_codes(reader) -> list[str]:
    """The texts of the QR codes drawn as images on the pages (bounded in count and pixels)."""
    from skillwallet.formats.inputs import decode_qr_image

    texts: list[str] = []
    seen = 0
    for page in reader.pages:
        try:
            resources = page.get("/Resources") or {}
            xobjects = resources.get("/XObject") or {}
            items = list(xobjects.items())
        except Exception:  # noqa: BLE001 - damaged resources: no images here
            continue
        for key, ref in items:
            seen += 1
            if seen > MAX_IMAGES:
                raise InvalidInputError(f"the PDF holds more than {MAX_IMAGES} images; refused")
            try:
                image = ref.get_object()
                if image.get("/Subtype") != "/Image":
                    continue
                width, height = int(image.get("/Width", 0)), int(image.get("/Height", 0))
            except Exception:  # noqa: BLE001
                continue
            if width <= 0 or height <= 0 or width * height > MAX_IMAGE_PIXELS:
                continue  # not decoded: a QR code needs far fewer pixels
            try:
                pil = page.images[str(key)].image
                buffer = io.BytesIO()
                pil.save(buffer, format="PNG")
                found = decode_qr_image(buffer.getvalue())
            except InvalidInputError:
                continue
            except Exception:  # noqa: BLE001 - an image pypdf cannot decode is not a QR code we can read
                continue
            for text in found:
                if text not in texts:
                    texts.append(text)
                    if len(texts) > MAX_QR_CODES:
                        raise InvalidInputError(f"the PDF holds more than {MAX_QR_CODES} QR codes; refused")
    return texts


@dataclass
class CheckedItem:
    """One line of the check: the presentation, or one credential (with the resume line that shows it)."""

    source: str
    kind: str  # presentation | credential
    title: str | None
    verdict: object  # skillwallet.model.Verdict
    resume: dict | None = None  # {"title", "page", "wallet_id", "proof_index", "match": pass | fail | na}


def _entry_credential(item):
    """A presentation entry read by the same importers as ``add`` (None when unreadable)."""
    import json

    from skillwallet.formats import parse_credential_bytes, types_of

    try:
        if isinstance(item, str):
            data = item.encode("utf-8")
        elif isinstance(item, dict) and "EnvelopedVerifiableCredential" in types_of(item):
            data = str(item.get("id") or "").partition(",")[2].encode("utf-8")
        else:
            data = json.dumps(item).encode("utf-8")
        credentials = parse_credential_bytes(data, source="proof")
    except Exception:  # noqa: BLE001 - an entry the importers cannot read has no title to compare
        return None
    if len(credentials) != 1:
        return None
    credential = credentials[0]
    document = item if isinstance(item, dict) else None
    subject = document.get("credentialSubject") if document is not None else None
    if isinstance(subject, dict) and subject.get("id") and subject.get("id") == credential.issuer.id:
        # the holder's own entry (issuer = subject, as `add --self` signs it): its date is the one the holder
        # states, as the wallet shows it (formats/selfattested.py), not when it was signed
        from skillwallet.formats.selfattested import stated_date

        stated = stated_date(document)
        if stated is not None:
            credential.issued = stated
    return credential


def entry_facts(item) -> tuple[str | None, str | None]:
    """(title, issuer name) of a presentation entry, read by the same importers as ``add`` ((None, None) when
    unreadable): what `verify` shows for each credential of a presentation."""
    credential = _entry_credential(item)
    return (credential.title, credential.issuer.name) if credential is not None else (None, None)


_STATUS_LABEL = r"(?:signaturevalid,issuerkeynotbound|[a-z][a-z-]*)"
_STATUS_DETAIL = r"(?:revoked|suspended|revocationstatusunknown|expired(?:\d{4}-\d\d-\d\d)?|checked\d{4}-\d\d-\d\d)"
# The status a resume line shows (export/resume.py ``_status_label``): a mark, a label, the details in brackets.
# Nothing else may stand there: free text in it ("checked 2026-11-20, 30 ECTS") would be read as a fact.
_STATUS = re.compile(rf"[✓✗!]{_STATUS_LABEL}(?:\({_STATUS_DETAIL}(?:,{_STATUS_DETAIL})*\))?")


def _unbacked_fact(text: str, credential) -> str | None:
    """What the entry's text (``ResumeLine.text``) states that the proof's ``credential`` does not, or None.

    The text of an entry is what export/pdf.py ``_entry_lines`` draws from the credential: type label, issuer,
    issue and end dates, status, result, credits, hours, skills, then the proof mark. Each part that comes from
    the credential must be exactly what the signed credential gives (the employer reads the text, the proof only
    backs what it states); the status is the holder's own wallet's and may only take the shapes it is drawn in.
    """
    from skillwallet.export.pdf import PROOF_MARK
    from skillwallet.export.resume import credit_unit_of, unique_names, format_date, type_label

    issuer = credential.issuer.name or credential.issuer.id or "unknown issuer"
    head = (compact("· " + type_label(credential.achievement_type)) if credential.achievement_type else "") + compact(issuer)
    if not text.startswith(head + "·"):
        return f"its type or issuer is not the proof's ({type_label(credential.achievement_type) or 'no type'}, {issuer})"
    rest = text[len(head) + 1:]
    if credential.issued is not None:
        issued = "issued" + compact(format_date(credential.issued)) + "·"
        if not rest.startswith(issued):
            return f"its issue date is not the proof's ({format_date(credential.issued)})"
        rest = rest[len(issued):]
    if credential.expires is not None:
        end = compact(format_date(credential.expires))
        words = ("expires" + end, "expired" + end)
    else:
        end, words = "none", ("noexpiry",)
    word = next((w for w in words if rest.startswith(w)), None)
    if word is None:
        return f"its end date is not the proof's ({format_date(credential.expires) or 'no expiry'})"
    rest = rest[len(word):]
    status = _STATUS.match(rest)
    if status is None:
        return "its status line holds more than a status"
    rest = rest[status.end():]
    if credential.expires is not None:
        for shown in re.findall(r"expired(\d{4}-\d\d-\d\d)", status.group(0)):
            if shown != credential.expires.date().isoformat():
                return f"its end date is not the proof's ({format_date(credential.expires)})"
    facts = []
    if credential.result:
        facts.append(f"Result: {credential.result}")
    if credential.credits is not None:
        unit = credit_unit_of(credential)
        facts.append(f"{credential.credits:g} credits" + (f" ({unit})" if unit else ""))
    if credential.hours is not None:
        facts.append(f"{credential.hours:g} hours")
    mark = compact(PROOF_MARK)
    unique = unique_names(s.name for s in credential.skills)
    expected = compact(" · ".join(["", *facts])) if facts else ""
    expected += compact("Skills: " + ", ".join(unique)) if unique else ""
    if rest[:len(expected) + len(mark)] != expected + mark:
        return "its result, credits, hours or skills are not the proof's (" + (", ".join([*facts, *unique]) or "none") + ")"
    if _ids_end(rest[len(expected):]) is None:
        return "it shows more between its proof mark and its wallet id"
    return None


# export/pdf.py ``_entry_lines``: "{PROOF_MARK} N in the attached presentation", then "Wallet id ID", compacted
_IDS = re.compile(r"proofcredential\d{1,5}intheattachedpresentationwalletid[0-9a-f]{6,64}")


def _ids_end(text: str) -> int | None:
    """Where the proof mark and wallet id that open ``text`` end, when nothing but the credential id follows
    (what else an entry shows comes after, in its tail); None otherwise."""
    found = _IDS.match(text)
    if found is None:
        return None
    after = text[found.end():]
    return found.end() if not after or after.startswith(compact("· Credential id")) else None


def _flagged(reason: str):
    from datetime import datetime, timezone

    from skillwallet.model import VERDICT_NOT_VERIFIED, Verdict

    return Verdict(verdict=VERDICT_NOT_VERIFIED,
                   checks={"signature": "unknown", "expiry": "na", "not_before": "na", "status": "na"},
                   reasons=[reason], checked_at=datetime.now(timezone.utc))


def check_resume_pdf(data: bytes, *, source: str, resolver, as_of, challenge: str | None = None,
                     domain: str | None = None, status_cache: dict | None = None) -> list[CheckedItem]:
    """Verify a resume PDF: its attached presentation (the holder's proof and every credential in it, by
    :func:`skillwallet.verify.verifier.verify_presentation`), each credential line of its text against the
    proof entry it names; without an attachment, the credentials its QR codes hold.

    A line is flagged (``resume.match`` ``fail``) when the proof has no entry for it or that entry has another
    title; a flagged line is never reported verified, whatever the proof says about the entry.
    """
    from skillwallet.export.pdf import ATTACHMENT_NAME
    from skillwallet.formats import read_presentation
    from skillwallet.model import VERDICT_NOT_VERIFIED, VERDICT_VERIFIED
    from skillwallet.verify.verifier import unrequested_audience_note, verify_presentation

    pdf = read_resume_pdf(data, attachment_name=ATTACHMENT_NAME)
    items: list[CheckedItem] = []
    if pdf.attachment is None:
        return _check_qr_codes(pdf, source=source, resolver=resolver, as_of=as_of, status_cache=status_cache)

    vp = read_presentation(pdf.attachment)
    if vp is None:
        from skillwallet.model import VERDICT_INVALID

        verdict = _flagged(f"the attached {pdf.attachment_name} is not a Verifiable Presentation")
        verdict.verdict = VERDICT_INVALID
        verdict.checks["signature"] = "fail"
        items.append(CheckedItem(f"{source}!{pdf.attachment_name}", "presentation", None, verdict))
        entries: list = []
        inner: list = []
    else:
        vp_verdict, inner = verify_presentation(vp, resolver=resolver, as_of=as_of, challenge=challenge, domain=domain)
        note = unrequested_audience_note(vp, challenge, domain)
        if note:
            vp_verdict.reasons.append(note)
        items.append(CheckedItem(f"{source}!{pdf.attachment_name}", "presentation", None, vp_verdict))
        raw = vp.document.get("verifiableCredential") if isinstance(vp.document, dict) else None
        entries = [] if raw is None else (raw if isinstance(raw, list) else [raw])
    credentials = [_entry_credential(e) for e in entries]
    facts = [(c.title, c.issuer.name) if c is not None else (None, None) for c in credentials]
    titles = [title for title, _ in facts]

    shown: set[int] = set()
    # Text in the credentials section that is in no entry the proof backs, nor any of the fixed words between
    # entries: an entry the applicant added (drawn in another size, or with no wallet id to close it).
    unmatched: list[tuple[int, str]] = list(pdf.stray)
    extra = _unexplained(pdf.lead, name=pdf.name)
    if extra:
        unmatched.append((pdf.lines[0].page if pdf.lines else 1, _raw_end(pdf.lead, extra)))
    for page, how in sorted(pdf.hidden.items()):
        items.append(CheckedItem(f"{source}:page{page}", "credential", None, _flagged(
            f"page {page} holds {how}: a reader cannot see what the check reads there")))
    for line in pdf.lines:
        where = {"title": line.title, "page": line.page, "wallet_id": line.wallet_id, "proof_index": line.proof_index}
        number = line.proof_index
        label = f"{source}#{number}" if number else f"{source}:{line.wallet_id}"
        if line.page in pdf.hidden:
            reason = f"page {line.page} holds {pdf.hidden[line.page]}: a reader cannot see what the check reads there"
            items.append(CheckedItem(label, "credential", line.title, _flagged(reason), where | {"match": "fail"}))
            continue
        if number is None or not (1 <= number <= len(inner)):
            reason = ("the resume lists it, but the attached proof does not hold it" if number is None
                      else f"the resume points to proof credential {number}, which the attached proof does not hold")
            items.append(CheckedItem(label, "credential", line.title, _flagged(reason), where | {"match": "fail"}))
            continue
        verdict = inner[number - 1]
        proof_title = titles[number - 1]
        if number in shown:
            verdict = _flagged(f"proof credential {number} is already shown by another line of the resume")
            where["match"] = "fail"
        elif compact(proof_title) != compact(line.title) or (
                facts[number - 1][1] and compact(facts[number - 1][1]) not in line.text):
            if proof_title and compact(proof_title) == compact(line.title):
                reason = (f"the resume shows {line.title!r} from another issuer than the proof's credential {number}, "
                          f"issued by {facts[number - 1][1]!r}")
            elif proof_title:
                reason = f"the resume shows {line.title!r}, the proof's credential {number} is {proof_title!r}"
            else:
                reason = f"the proof's credential {number} has no readable title to match {line.title!r}"
            verdict = _flagged(reason)
            where["match"] = "fail"
        elif (unbacked := _unbacked_fact(line.text, credentials[number - 1])) is not None:
            verdict = _flagged(f"the resume shows {line.title!r} as the proof's credential {number}, but {unbacked}")
            where["match"] = "fail"
        else:
            where["match"] = "pass"
            # the credential id is a link, read as a run of its own: what of it the entry's text holds goes first
            ids = _IDS.search(line.text)
            after = line.text[ids.end():] if ids else line.text
            extra = _unexplained(after + compact(line.tail), name=pdf.name,
                                 credential_id=credentials[number - 1].credential_id)
            if extra:
                unmatched.append((line.page, _raw_end(line.tail, extra)))
        shown.add(number)
        verdict.details = dict(verdict.details) | {"proof_title": proof_title}
        items.append(CheckedItem(label, "credential", line.title, verdict, where))
    unbacked_codes = _unbacked_qr_codes(pdf.qr_texts, [c for c in credentials if c is not None])
    for text, why in unbacked_codes:
        items.append(CheckedItem(f"{source}:qr", "credential", None, _flagged(why), {"qr": text, "match": "fail"}))
    for page, text in unmatched:
        shown_text = " ".join(text.split())
        shown_text = shown_text if len(shown_text) <= 160 else shown_text[:159] + "…"
        items.append(CheckedItem(f"{source}:page{page}", "credential", None, _flagged(
            f"page {page} shows text that no credential of the proof backs: {shown_text!r}")))
    if pdf.listed is not None and pdf.listed != len(pdf.lines):
        items.append(CheckedItem(f"{source}:text", "credential", None, _flagged(
            f"the resume's heading lists {pdf.listed} credentials, its text shows {len(pdf.lines)} that could be read")))
    for number, verdict in enumerate(inner, 1):
        if number not in shown:
            # in the proof but on no line: reported (it is checked all the same), not a claim of the resume
            items.append(CheckedItem(f"{source}#{number}", "credential", titles[number - 1], verdict,
                                     {"title": None, "page": None, "wallet_id": None, "proof_index": number,
                                      "match": "na"}))
    from skillwallet.verify.verifier import did_of, subject_ids

    for item in items:
        index = (item.resume or {}).get("proof_index")
        if item.kind == "credential" and item.verdict.verdict == VERDICT_VERIFIED and index and index <= len(entries):
            if not any(did_of(s) for s in subject_ids(entries[index - 1])):
                # holder binding (VC Data Model 2.0 §4.13) needs a subject DID to compare with the presenter's
                item.verdict.reasons.append(
                    "its subject is not a DID: nothing binds it to the holder who signed the presentation, so a "
                    "copy of another person's credential would read the same")
    if vp is not None and vp_verdict.verdict != VERDICT_VERIFIED:
        # A credential's own proof shows that its issuer said it of someone; only the holder's proof over the
        # presentation (VC Data Model 2.0 §4.13, proofPurpose authentication) shows that the sender is that
        # someone. Without it the genuine credentials of another person, or a presentation replayed from
        # another verifier, would read as this applicant's.
        for item in items:
            if item.kind == "credential" and item.verdict.verdict == VERDICT_VERIFIED:
                item.verdict.verdict = VERDICT_NOT_VERIFIED
                item.verdict.reasons.append(
                    f"the holder's proof over {pdf.attachment_name} is {vp_verdict.verdict}: the credential is "
                    "genuine but not shown to be the sender's")
    return items


def _unbacked_qr_codes(texts: list[str], credentials: list) -> list[tuple[str, str]]:
    """The QR codes (text, why) that neither open the verification page of a credential of the proof nor hold
    one of its credentials: what export/resume.py ``resume_credential`` puts in a code (export/qr.py
    ``qr_content_for``), checked against the proof, not against the text beside it."""
    import json

    from skillwallet.errors import SkillwalletError
    from skillwallet.export.qr import verification_url
    from skillwallet.formats import parse_credential_bytes
    from skillwallet.formats.sw1 import decode_qr_payload

    def same(original: bytes):
        try:
            return ("json", json.loads(original))
        except (UnicodeDecodeError, ValueError):
            return ("bytes", original.strip())

    urls = {url for url in (verification_url(c) for c in credentials) if url}
    documents = [same(c.original) for c in credentials]
    out: list[tuple[str, str]] = []
    for text in texts:
        try:
            payload = decode_qr_payload(text)
            if isinstance(payload, str):
                if payload not in urls:
                    out.append((payload, f"a QR code opens {payload}, which is not the verification page of any "
                                         "credential of the attached proof"))
                continue
            held = parse_credential_bytes(payload, source="qr")
        except SkillwalletError as exc:
            out.append((text[:80], f"a QR code holds what is not a credential of the attached proof ({exc.message})"))
            continue
        for credential in held:
            if same(credential.original) not in documents:
                out.append((credential.title or "(untitled)", f"a QR code holds {credential.title!r}, which is not a "
                                                              "credential of the attached proof"))
    return out


def _check_qr_codes(pdf: ResumePdf, *, source: str, resolver, as_of, status_cache) -> list[CheckedItem]:
    """A PDF without an attached proof: verify what each QR code holds (a link is reported, not fetched)."""
    from skillwallet.errors import SkillwalletError
    from skillwallet.formats.sw1 import decode_qr_payload
    from skillwallet.formats import parse_credential_bytes
    from skillwallet.model import VERDICT_UNVERIFIABLE, VERDICT_VERIFIED
    from skillwallet.verify.verifier import verify_credential

    if not pdf.qr_texts:
        raise InvalidInputError(f"{source}: a PDF with neither an attached presentation nor a readable QR code",
                                "ask the sender for the presentation (skillwallet export --presentation)")
    items: list[CheckedItem] = []
    for number, text in enumerate(pdf.qr_texts, 1):
        label = f"{source}:qr{number}"
        try:
            payload = decode_qr_payload(text)
            if isinstance(payload, str):
                verdict = _flagged(f"the code links to {payload}: open it to check (not fetched)")
                verdict.verdict = VERDICT_UNVERIFIABLE
                items.append(CheckedItem(label, "credential", None, verdict, {"qr": payload, "match": "na"}))
                continue
            credentials = parse_credential_bytes(payload, source=label)
        except SkillwalletError as exc:
            items.append(CheckedItem(label, "credential", None, _flagged(exc.message), {"match": "na"}))
            continue
        for credential in credentials:
            verdict = verify_credential(credential, resolver=resolver, as_of=as_of, status_cache=status_cache)
            if verdict.verdict == VERDICT_VERIFIED:
                # a code carries the credential alone: no holder's proof (VC Data Model 2.0 §4.13) comes with it
                verdict.reasons.append("read from a QR code with no holder's proof: the credential is genuine, but "
                                       "nothing shows it is the sender's; ask for the resume with its proof attached")
            items.append(CheckedItem(label, "credential", credential.title, verdict, {"qr": "SW1", "match": "na"}))
    return items
