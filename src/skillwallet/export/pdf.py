"""The PDF resume, rendered in memory with reportlab's platypus.

Text is real text in embedded fonts (searchable, copyable); links are link annotations; every QR code is a 1-bit
image XObject (so a reader, or a test, can extract and scan it). Fonts: DejaVu Sans, shipped as package data
(Bitstream Vera licence, see ``data/export/fonts/LICENSE-DejaVu.txt``), covers Latin, Greek, Cyrillic and
symbols. CJK characters use a TrueType CJK font found on the machine (embedded as a subset, so the PDF shows
them everywhere), else reportlab's built-in CID fonts (Adobe's standard CJK fonts, referenced by name: Acrobat
and most readers supply them; the text stays real, searchable text either way). No font on the user's machine
is ever required.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from skillwallet.export.resume import ResumeCredential, credits_text, ResumeModel, ResumePathway, format_date, safe_url, type_label

PAPER_SIZES = ("a4", "letter")

# Colours: a restrained palette that prints well in greyscale. Written rgb(...), the CSS form reportlab's colour
# parser reads first: a "#rrggbb" string falls through its slower guesses (named colours, literal_eval) before
# HexColor, which cost a few percent of a long resume's rendering (every <font color> and paragraph colour).
INK = "rgb(31,41,51)"  # #1f2933
MUTED = "rgb(95,107,122)"  # #5f6b7a
ACCENT = "rgb(31,78,121)"  # #1f4e79
RULE = "rgb(201,211,223)"  # #c9d3df
GOOD = "rgb(30,123,79)"  # #1e7b4f
WARN = "rgb(168,101,0)"  # #a86500
BAD = "rgb(180,35,24)"  # #b42318
SEPARATOR = "rgb(154,165,177)"  # #9aa5b1

FONT = "SWSans"
FONT_BOLD = "SWSans-Bold"
# CID fallbacks (reportlab ships their metrics; readers supply the glyphs): Simplified Chinese covers Han
# ideographs, Japanese kana need a Japanese font, Hangul a Korean one.
CJK_HAN = "STSong-Light"
CJK_KANA = "HeiseiMin-W3"
CJK_HANGUL = "HYSMyeongJo-Medium"
CJK_EMBEDDED = "SWCJK"
# TrueType (glyf) CJK fonts commonly installed; reportlab cannot embed CFF-flavoured OpenType (Noto CJK .otf).
CJK_TTF_CANDIDATES = (
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/simsun.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)


@lru_cache(maxsize=1)
def register_fonts() -> frozenset[int]:
    """Register the shipped TTFs once; return the code points DejaVu Sans covers. (The CID fallbacks are
    registered when a character first needs one: :func:`_fallback_font`.)"""
    from importlib.resources import files

    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = files("skillwallet").joinpath("data/export/fonts")
    # Regular and bold only: nothing in a resume is set in italics (all text goes through escape(), so no <i>
    # reaches a Paragraph), and parsing a TrueType font costs about 8 ms each. Should an italic ever be asked
    # for, the family's italic falls back to the upright faces rather than to a font that is not registered.
    faces = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf"}
    regular = None
    for name, filename in faces.items():
        font = TTFont(name, io.BytesIO(folder.joinpath(filename).read_bytes()))
        pdfmetrics.registerFont(font)
        if name == FONT:
            regular = font
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)
    addMapping(FONT, 0, 1, FONT)
    addMapping(FONT, 1, 1, FONT_BOLD)
    return frozenset(regular.face.charToGlyph.keys())


@lru_cache(maxsize=4)
def _cid_font(name: str) -> str:
    """Register the CID fallback ``name`` (once) and return it: only a resume with CJK text needs one, and
    reportlab's CID font modules are otherwise not imported at all."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(name))
    return name


@lru_cache(maxsize=1)
def embedded_cjk_font() -> frozenset[int]:
    """Register a TrueType CJK font from the machine (``$SKILLWALLET_CJK_FONT`` first); return its code points.

    Empty when none is found: CJK text then uses the CID fallbacks.
    """
    import os

    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    candidates = [os.environ.get("SKILLWALLET_CJK_FONT", "")] + list(CJK_TTF_CANDIDATES)
    for path in candidates:
        if not path or not os.path.isfile(path):
            continue
        try:
            font = TTFont(CJK_EMBEDDED, path, subfontIndex=0)
        except Exception:  # not a usable TrueType font (CFF outlines, damaged): try the next
            continue
        pdfmetrics.registerFont(font)
        return frozenset(font.face.charToGlyph.keys())
    return frozenset()


def _fallback_font(char: str) -> str | None:
    """The registered font that draws ``char`` when DejaVu Sans lacks it (None: no fallback, DejaVu's .notdef)."""
    code = ord(char)
    if code > 0x2E7F and code in embedded_cjk_font():
        return CJK_EMBEDDED
    if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
        return _cid_font(CJK_HANGUL)
    if 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF65 <= code <= 0xFF9F:
        return _cid_font(CJK_KANA)
    if (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x3000 <= code <= 0x303F
        or 0xFF00 <= code <= 0xFFEF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x2FA1F
    ):
        return _cid_font(CJK_HAN)
    return None


def escape(text: str, entities: dict[str, str] | None = None) -> str:
    """``&``, ``<`` and ``>`` (and each key of ``entities``) as entities for Paragraph markup.

    What ``xml.sax.saxutils.escape`` does; importing that module pulls in urllib.request, http.client, email and
    ssl, a fiftieth of a whole resume export.
    """
    text = text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
    for character, entity in (entities or {}).items():
        text = text.replace(character, entity)
    return text


def markup(text: str | None) -> str:
    """Escape ``text`` for a Paragraph and switch to a CJK font for the characters DejaVu lacks."""
    if not text:
        return ""
    covered = register_fonts()
    out: list[str] = []
    run: list[str] = []
    run_font: str | None = None

    def flush() -> None:
        if not run:
            return
        chunk = escape("".join(run))
        out.append(f'<font name="{run_font}">{chunk}</font>' if run_font else chunk)
        run.clear()

    for char in text:
        if char == "\n":
            flush()
            out.append("<br/>")
            continue
        font = None if ord(char) in covered else _fallback_font(char)
        if font != run_font:
            flush()
            run_font = font
        run.append(char)
    flush()
    return "".join(out)


def _link(url: str, text: str | None = None, color: str = ACCENT) -> str:
    return f'<a href="{escape(url, {chr(34): "&quot;"})}" color="{color}">{markup(text or url)}</a>'


def paragraph_styles(base: float = 9.2) -> dict[str, Any]:
    from reportlab.lib.colors import toColor
    from reportlab.lib.styles import ParagraphStyle

    register_fonts()
    # colour objects, not strings: a string style colour is parsed again for every line drawn
    ink, muted, accent = toColor(INK), toColor(MUTED), toColor(ACCENT)
    body = ParagraphStyle("body", fontName=FONT, fontSize=base, leading=base * 1.38, textColor=ink)
    return {
        "name": ParagraphStyle("name", parent=body, fontName=FONT_BOLD, fontSize=24, leading=29, textColor=accent),
        "headline": ParagraphStyle("headline", parent=body, fontSize=12, leading=16, textColor=muted),
        "contact": ParagraphStyle("contact", parent=body, fontSize=8.8, leading=12.5, textColor=muted),
        "section": ParagraphStyle(
            "section", parent=body, fontName=FONT_BOLD, fontSize=10.5, leading=14, textColor=accent,
            spaceBefore=12, spaceAfter=3,
        ),
        "body": body,
        "summary": ParagraphStyle("summary", parent=body, fontSize=base + 0.6, leading=(base + 0.6) * 1.42),
        "title": ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=10.5, leading=13.5),
        "small": ParagraphStyle("small", parent=body, fontSize=7.8, leading=10.4, textColor=muted),
        "caption": ParagraphStyle("caption", parent=body, fontSize=6.4, leading=8, textColor=muted, alignment=1),
        "skills": ParagraphStyle("skills", parent=body, leading=base * 1.7),
        "group": ParagraphStyle(
            "group", parent=body, fontName=FONT_BOLD, fontSize=9.5, leading=12, textColor=muted, spaceBefore=8, spaceAfter=0
        ),
        "entry": ParagraphStyle("entry", parent=body, leading=base * 1.34),
        "footer": ParagraphStyle("footer", parent=body, fontSize=7, leading=9, textColor=muted),
    }


def draw_qr_bitmap(canvas, bitmap, x: float, y: float, size: float) -> None:
    """Draw a QR bitmap (:class:`skillwallet.export.qr.QrBitmap`) as a 1-bit image XObject, ``size`` points square.

    reportlab's ``drawImage`` writes 8 bits per pixel (from an RGB copy of the image it makes first), so a QR code
    costs 8 times the bits it needs and the conversions and compression that go with them; this writes the symbol's own 1-bit rows (PDF 1.7 §8.9.5, DeviceGray, 1 bit per
    component: 0 is black, 1 white, as in the bitmap), Flate-compressed, registered the way ``drawImage``
    registers an image: once per distinct symbol, drawn without /Interpolate so readers scale it up with sharp
    module edges (§8.9.5.3).
    """
    import hashlib
    import zlib

    from reportlab.pdfbase.pdfdoc import PDFImageXObject

    name = hashlib.md5(bitmap.modules.to_bytes(2, "big") + bitmap.rows, usedforsecurity=False).hexdigest()
    document = canvas._doc
    registered = document.getXObjectName(name)
    if document.idToObject.get(registered) is None:
        image = PDFImageXObject(name)
        image.width = image.height = bitmap.modules
        image.bitsPerComponent = 1
        image.colorSpace = "DeviceGray"
        image.streamContent = zlib.compress(bitmap.rows)
        image._filters = ("FlateDecode",)
        image.mask = None
        canvas._setXObjects(image)
        document.Reference(image, registered)
        document.addForm(name, image)
    # what saveState, translate, scale, Do and restoreState write, as one matrix: q s 0 0 s x y cm /Name Do Q
    from reportlab.lib.rl_accel import fp_str

    canvas._code.append(f"q {fp_str(size, 0, 0, size, x, y)} cm /{registered} Do Q")
    canvas._formsinuse.append(name)


def qr_print_size(modules: int, minimum: float) -> float:
    """Printed edge of a QR code (points): at least ``minimum``, and at least 0.33 mm per module (quiet zone
    included) so that a dense code holding a whole credential still scans from paper at 300 dpi."""
    from reportlab.lib.units import mm

    return min(max(minimum, modules * 0.33 * mm), 52 * mm)


class _ProgressBar:
    @staticmethod
    def make(fraction: float, width: float, height: float = 5):
        from reportlab.lib import colors
        from reportlab.platypus import Flowable

        class ProgressFlowable(Flowable):
            def wrap(self, available_width, available_height):
                return width, height + 2

            def draw(self):
                canvas = self.canv
                canvas.setFillColor(colors.toColor(RULE))
                canvas.roundRect(0, 1, width, height, height / 2, stroke=0, fill=1)
                if fraction > 0:
                    canvas.setFillColor(colors.toColor(GOOD if fraction >= 1 else ACCENT))
                    canvas.roundRect(0, 1, max(height, width * fraction), height, height / 2, stroke=0, fill=1)

        return ProgressFlowable()


def _status_color(credential: ResumeCredential) -> str:
    if credential.trusted:
        return GOOD
    if credential.verdict == "invalid" or (credential.status_detail or "").startswith(("revoked", "suspended")):
        return BAD
    return WARN


# Before an entry's wallet id when the PDF carries the signed presentation: "Proof credential 3" is the third
# credential of the attached presentation (what `skillwallet verify resume.pdf` checks the entry against).
PROOF_MARK = "Proof credential"
# The name of the attached presentation (PDF 1.7 §7.11.4, embedded file streams; §12.3.2 /PageMode
# /UseAttachments opens the reader's attachments pane).
ATTACHMENT_NAME = "verifiable-presentation.json"

# Below the credentials heading (`skillwallet verify resume.pdf` knows these words: export/pdfcheck.py)
HOW_TO_CHECK = ("Each code opens the issuer's verification page, or holds the signed credential itself "
                "(skillwallet SW1 encoding) so it can be checked offline.")
HOW_TO_CHECK_PROOF = (f"This PDF carries the signed presentation of these credentials as an attached file "
                      f"({ATTACHMENT_NAME}): check everything at once with `skillwallet verify` on this PDF.")
# Beside a QR code
CAPTION_URL = "Opens the verification page"
CAPTION_EMBEDDED = "Holds the signed credential (SW1)"
# The footer of every page: the holder's name, then these words and the date of the export
FOOTER_WORDS = "credentials exported by skillwallet on"

# " · " between the parts of a line, held to its neighbours by no-break spaces
SEP = " \u00a0·\u00a0 "


@dataclass(frozen=True)
class _Run:
    """A stretch of one line in one font, size and colour, maybe a link."""

    text: str
    font: str
    size: float
    color: str
    url: str | None = None


def _entry_lines(credential: ResumeCredential, styles: dict[str, Any]) -> tuple[list[_Run], list[list[_Run]]]:
    """A credential's entry as runs: the title line, and the detail lines (issuer and dates, status, skills, ids)."""
    title_style, body, small = styles["title"], styles["entry"].fontSize, styles["small"].fontSize
    title = [_Run(credential.title, FONT_BOLD, title_style.fontSize, INK, credential.link)]
    if credential.achievement_type:
        title += [_Run(" ", FONT_BOLD, title_style.fontSize, INK),
                  _Run("· " + type_label(credential.achievement_type), FONT_BOLD, 8, MUTED)]
    dates = []
    if credential.issued:
        dates.append(f"Issued {format_date(credential.issued)}")
    if credential.expires:
        word = "Expired" if credential.expired else "Expires"
        dates.append(f"{word} {format_date(credential.expires)}")
    else:
        dates.append("No expiry")
    issuer = _Run(credential.issuer_name, FONT, body, ACCENT if credential.issuer_url else INK, credential.issuer_url)
    lines = [[issuer, _Run(SEP + SEP.join(dates), FONT, body, INK)]]
    color = _status_color(credential)
    mark = "✓" if credential.trusted else ("✗" if color == BAD else "!")
    status = [_Run(f"{mark} {credential.status_label}", FONT_BOLD, body, color)]
    if credential.status_detail:
        status += [_Run(" ", FONT, body, INK), _Run(f"({credential.status_detail})", FONT, body, MUTED)]
    facts = []
    if credential.result:
        facts.append(f"Result: {credential.result}")
    if credential.credits is not None:
        facts.append(credits_text(credential))
    if credential.hours is not None:
        facts.append(f"{credential.hours:g} hours")
    if facts:
        status.append(_Run(SEP + " · ".join(facts), FONT, body, INK))
    lines.append(status)
    if credential.skills:
        lines.append([_Run("Skills: " + ", ".join(credential.skills), FONT, small, MUTED)])
    if credential.proof_index is not None:
        # the key `skillwallet verify resume.pdf` matches this entry to the attached presentation by
        lines.append([_Run(f"{PROOF_MARK} {credential.proof_index} in the attached presentation", FONT, small, MUTED)])
    ids = [_Run(f"Wallet id {credential.wallet_id}", FONT, small, MUTED)]
    if credential.credential_id:
        shown = credential.credential_id
        ids += [_Run(SEP + "Credential id ", FONT, small, MUTED), _Run(shown, FONT, small, MUTED, safe_url(shown))]
    lines.append(ids)
    if credential.proof_note:
        lines.append([_Run(credential.proof_note, FONT, small, WARN)])
    if credential.qr_note:
        lines.append([_Run(credential.qr_note, FONT, small, MUTED)])
    if credential.qr_help:
        # two short lines: each line of an entry is drawn as plain text only when it fits (_PlainLines)
        head, _, tail = credential.qr_help.partition(": ")
        lines += [[_Run(head + (":" if tail else ""), FONT, small, MUTED)]] + ([[_Run(tail, FONT, small, MUTED)]] if tail else [])
    return title, lines


def _runs_markup(runs: list[_Run], style) -> str:
    """Paragraph markup for one line of runs (each escaped, with CJK fallback fonts, as :func:`markup` does)."""
    out = []
    for run in runs:
        text = markup(run.text)
        attributes = []
        if run.font != style.fontName:
            attributes.append(f'name="{run.font}"')
        if run.size != style.fontSize:
            attributes.append(f'size="{run.size:g}"')
        if run.color != INK:
            attributes.append(f'color="{run.color}"')
        if attributes:
            text = f'<font {" ".join(attributes)}>{text}</font>'
        if run.url:
            text = f'<a href="{escape(run.url, {chr(34): "&quot;"})}" color="{run.color}">{text}</a>'
        out.append(text)
    return "".join(out)


class _PlainLines:
    """Lines of runs drawn straight on the canvas, placed exactly as a Paragraph of the same style places them.

    Most entries are short lines of text DejaVu Sans covers: for them reportlab's Paragraph (markup parsing,
    line breaking, a text object per fragment) is most of a long resume's rendering time, for nothing a line
    of text needs. :meth:`make` returns None for anything else (a line too wide, a character needing a CJK
    font, unusual spacing), and the entry uses Paragraphs. Text stays real text; links stay link annotations
    over their words.
    """

    def __init__(self, lines: list[tuple[list[_Run], list[float]]], style):
        self.lines = lines
        self.style = style
        self.height = len(lines) * style.leading

    @classmethod
    def make(cls, lines: list[list[_Run]], style, width: float) -> "_PlainLines | None":
        covered = _covered_characters()
        measured = []
        for runs in lines:
            text = "".join(run.text for run in runs)
            if (not text or text[0] == " " or text[-1] == " " or "  " in text
                    or not text.replace("\u00a0", " ").isprintable() or not covered.issuperset(text)):
                return None
            widths = [_string_width(run.text, run.font, run.size) for run in runs]
            if sum(widths) > width - 1:  # a line the Paragraph would wrap (1 pt of margin for rounding)
                return None
            measured.append((runs, widths))
        return cls(measured, style)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return available_width, self.height

    def drawOn(self, canvas, x: float, y: float) -> None:
        # a Paragraph's first baseline is its first line's largest font size below the top, then one leading
        # per line (reportlab: rl_config.paraFontSizeHeightOffset, no autoLeading)
        baseline = y + self.height - max(run.size for run in self.lines[0][0])
        # one text object for all the lines; font and colour set only when they change
        text = canvas.beginText(x, baseline)
        font = color = None
        for runs, widths in self.lines:
            text.setTextOrigin(x, baseline)
            left = x
            for run, width in zip(runs, widths):
                if font != (run.font, run.size):
                    font = (run.font, run.size)
                    text.setFont(run.font, run.size)
                if color != run.color:
                    color = run.color
                    text.setFillColor(_color(run.color))
                # what textOut does, without measuring the run a second time: its width is known
                text._code.append(text._formatText(run.text))
                text._x += width
                if run.url:
                    ascent, descent = _ascent_descent(run.font, run.size)
                    canvas.linkURL(run.url, (left, baseline + descent, left + width, baseline + ascent),
                                   relative=1, kind="URI")
                left += width
            baseline -= self.style.leading
        canvas.drawText(text)


@lru_cache(maxsize=8)
def _width_table(font_name: str):
    """(glyph advance by code point .get, default advance) of a registered TrueType font, in 1/1000 em."""
    from reportlab.pdfbase.pdfmetrics import getFont

    face = getFont(font_name).face
    return face.charWidths.get, face.defaultWidth


def _string_width(text: str, font_name: str, size: float) -> float:
    """``pdfmetrics.stringWidth`` for the TrueType faces of :func:`register_fonts`, to the same float: the same
    advances summed in the same order and scaled by the same expression, with the per-character loop in C
    (map over ``ord``) rather than reportlab's pure-Python generator (its optional C accelerator is not a
    dependency): some 3,000 runs of text are measured for a resume of 200 credentials."""
    from itertools import repeat

    get, default = _width_table(font_name)
    return 0.001 * size * sum(map(get, map(ord, text), repeat(default)))


@lru_cache(maxsize=16)
def _ascent_descent(font_name: str, size: float) -> tuple[float, float]:
    from reportlab.pdfbase.pdfmetrics import getAscentDescent

    return getAscentDescent(font_name, size)


@lru_cache(maxsize=1)
def _covered_characters() -> frozenset[str]:
    """The characters DejaVu Sans has glyphs for (as strings: a set test over a line's text runs in C)."""
    return frozenset(map(chr, register_fonts()))


@lru_cache(maxsize=32)
def _color(name: str):
    from reportlab.lib.colors import toColor

    return toColor(name)


def _credential_block(credential: ResumeCredential, styles: dict[str, Any], text_width: float, qr_size: float,
                      *, plain: bool = True):
    """One credential's entry; ``plain=False`` always lays its text out with Paragraphs (tests compare the two)."""
    from reportlab.platypus import Paragraph

    bitmap = caption = None
    column = qr_size
    if credential.qr_text:
        from skillwallet.export.qr import qr_bitmap

        bitmap = qr_bitmap(credential.qr_text)
        column = qr_print_size(bitmap.modules, qr_size)
        caption = CAPTION_URL if credential.qr_kind == "url" else CAPTION_EMBEDDED
    left_width = text_width - column - _CredentialEntry.GUTTER
    title, lines = _entry_lines(credential, styles)
    left: list[Any] | None = None
    if plain:
        title_lines = _PlainLines.make([title], styles["title"], left_width)
        detail_lines = _PlainLines.make(lines, styles["entry"], left_width)
        if title_lines is not None and detail_lines is not None:
            left = [title_lines, detail_lines]
    if left is None:
        # Two paragraphs per entry (title, then the details joined by line breaks): reportlab's cost is per
        # paragraph wrapped.
        left = [
            Paragraph(_runs_markup(title, styles["title"]), styles["title"]),
            Paragraph("<br/>".join(_runs_markup(line, styles["entry"]) for line in lines), styles["entry"]),
        ]
    return _CredentialEntry.make(left, bitmap, caption, styles["caption"], text_width, column)


class _CredentialEntry:
    """Factory for one credential's entry: its text on the left, its QR code and caption on the right, a rule below.

    One flowable, not a one-row Table: the same layout (6 pt above and below, a 10 pt gutter, a 0.4 pt rule) at
    a fraction of the cost, since a Table measures and positions every cell twice. Like the one-row table it
    never splits, so an entry always stays whole on a page.
    """

    GUTTER = 10.0

    @staticmethod
    def make(left: list[Any], bitmap, caption: str | None, caption_style, text_width: float, column: float):
        from reportlab.lib import colors
        from reportlab.platypus import Flowable

        padding = 6.0
        left_width = text_width - column - _CredentialEntry.GUTTER
        rule = colors.toColor(RULE)
        # the caption is fixed plain text: drawn as centred lines (wrapped like a Paragraph would be), not parsed
        # as markup 200 times over
        style = caption_style
        caption_lines = _caption_lines(caption, style.fontName, style.fontSize, column) if bitmap is not None else ()

        class CredentialFlowable(Flowable):
            def wrap(self, available_width, available_height):
                self._left = [(p, p.wrap(left_width, available_height)[1]) for p in left]
                right = column + len(caption_lines) * style.leading if bitmap is not None else 0.0
                self.height = 2 * padding + max(sum(h for _, h in self._left), right)
                return text_width, self.height

            def draw(self):
                canvas = self.canv
                top = self.height - padding
                y = top
                for paragraph, height in self._left:
                    y -= height
                    paragraph.drawOn(canvas, 0, y)
                canvas.saveState()
                if bitmap is not None:
                    draw_qr_bitmap(canvas, bitmap, text_width - column, top - column, column)
                    # the caption's lines centred under the code, in one text object (what drawCentredString does
                    # line by line, with each line's width measured once per resume)
                    text = canvas.beginText()
                    text.setFont(style.fontName, style.fontSize)
                    text.setFillColor(style.textColor)
                    # the first baseline sits where a Paragraph puts it: one font size below the line's top
                    baseline = top - column - style.fontSize
                    for line, width in caption_lines:
                        text.setTextOrigin(text_width - column / 2 - 0.5 * width, baseline)
                        text._code.append(text._formatText(line))
                        baseline -= style.leading
                    canvas.drawText(text)
                canvas.setStrokeColor(rule)
                canvas.setLineWidth(0.4)
                canvas.line(0, 0, text_width, 0)
                canvas.restoreState()

        return CredentialFlowable()


@lru_cache(maxsize=16)
def _caption_lines(caption: str, font_name: str, size: float, width: float) -> tuple[tuple[str, float], ...]:
    """A QR caption wrapped to its column, each line with its width: two captions and a handful of column widths
    serve a whole resume."""
    from reportlab.lib.utils import simpleSplit

    return tuple((line, _string_width(line, font_name, size)) for line in simpleSplit(caption, font_name, size, width))


def _pathway_rows(pathways: list[ResumePathway], styles: dict[str, Any], text_width: float):
    from reportlab.platypus import Paragraph, Table, TableStyle

    rows = []
    for pathway in pathways:
        if pathway.completed:
            label = f'<font name="{FONT_BOLD}" color="{GOOD}">{markup(pathway.label)}</font>'
        elif pathway.met:
            label = f'<font name="{FONT_BOLD}" color="{WARN}">{markup(pathway.label)}</font>'
        else:
            label = f'<font name="{FONT_BOLD}" color="{ACCENT}">In progress</font>'
        text = f'<font name="{FONT_BOLD}">{markup(pathway.title)}</font>'
        if pathway.missing and not pathway.met:
            text += f'<br/><font color="{MUTED}" size="7.8">Still needed: {markup("; ".join(pathway.missing[:6]))}'
            text += f' (+{len(pathway.missing) - 6} more)' if len(pathway.missing) > 6 else ""
            text += "</font>"
        if pathway.met and pathway.weak_evidence:
            text += f'<br/><font color="{WARN}" size="7.8">Not verified: {markup("; ".join(pathway.weak_evidence))}</font>'
        bar_cell: list[Any] = [Paragraph(label, styles["small"])]
        if pathway.progress is not None:
            bar_cell.append(_ProgressBar.make(pathway.progress, 90))
            if pathway.progress_text:
                bar_cell.append(Paragraph(markup(pathway.progress_text), styles["small"]))
        rows.append([Paragraph(text, styles["body"]), bar_cell])
    table = Table(rows, colWidths=[text_width - 110, 110])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LEFTPADDING", (1, 0), (1, -1), 14),
            ]
        )
    )
    return table


def _section(title: str, styles: dict[str, Any]):
    from reportlab.lib import colors
    from reportlab.platypus import HRFlowable, Paragraph

    return [
        Paragraph(markup(title.upper()), styles["section"]),
        HRFlowable(width="100%", thickness=0.8, color=colors.toColor(ACCENT), spaceBefore=0, spaceAfter=4),
    ]


def embed_files(canvas, files: list[tuple[str, bytes, str, str]]) -> None:
    """Add ``files`` ((name, data, media type, description)) to the document ``canvas`` is drawing, as embedded
    files a reader lists in its attachments pane, and open the document on that pane.

    PDF 1.7 §7.11.4: each file is an /EmbeddedFile stream (with its media type as /Subtype and its /Params /Size),
    referred to by a file specification (/F and /UF names, /Desc), listed in the catalog's /Names /EmbeddedFiles
    name tree (§7.7.4, keys in sorted order); §12.2 /PageMode /UseAttachments opens the attachments pane. Each is
    also an associated file of the document (/AF, /AFRelationship /Supplement: PDF 2.0 §14.13), as PDF/A-3 readers
    expect. Written by reportlab with the rest of the document: no second pass over the finished PDF.
    """
    from reportlab.pdfbase.pdfdoc import PDFArray, PDFCatalog, PDFDictionary, PDFName, PDFStream, PDFString

    document = canvas._doc
    names: list[Any] = []
    specs: list[Any] = []
    for name, data, media_type, description in sorted(files):
        stream = PDFStream(
            PDFDictionary({
                "Type": PDFName("EmbeddedFile"),
                # a PDF name holding "/": written escaped as #2F (§7.3.5), which PDFName would escape again
                "Subtype": "/" + media_type.replace("#", "#23").replace("/", "#2F"),
                "Params": PDFDictionary({"Size": len(data)}),
            }),
            content=data,
        )
        stream_ref = document.Reference(stream)
        spec = PDFDictionary({
            "Type": PDFName("Filespec"), "F": PDFString(name), "UF": PDFString(name), "Desc": PDFString(description),
            "EF": PDFDictionary({"F": stream_ref, "UF": stream_ref}), "AFRelationship": PDFName("Supplement"),
        })
        spec_ref = document.Reference(spec)
        names += [PDFString(name), spec_ref]
        specs.append(spec_ref)
    catalog = document.Catalog
    catalog.Names = PDFDictionary({"EmbeddedFiles": PDFDictionary({"Names": PDFArray(names)})})
    catalog.PageMode = PDFName("UseAttachments")
    # /AF is not among the catalog keys reportlab writes: this catalog writes it too
    catalog.__NoDefault__ = [*PDFCatalog.__NoDefault__, "AF"]
    catalog.AF = PDFArray(specs)


def render_pdf(model: ResumeModel, *, paper: str = "a4", attachments: list[tuple[str, bytes, str, str]] | None = None) -> bytes:
    """Render the resume to PDF bytes (nothing touches the disk), with ``attachments`` embedded
    (:func:`embed_files`)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, LETTER
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import CondPageBreak, Paragraph, SimpleDocTemplate, Spacer

    if paper not in PAPER_SIZES:
        from skillwallet.errors import ExportError

        raise ExportError(f"unknown paper size {paper!r}", "use a4 or letter")
    page_size = A4 if paper == "a4" else LETTER
    styles = paragraph_styles()
    margin = 17 * mm
    text_width = page_size[0] - 2 * margin - 12  # the frame keeps 6 pt of padding on each side
    qr_size = 25 * mm
    profile = model.profile

    story: list[Any] = [Paragraph(markup(profile.name), styles["name"])]
    if profile.headline:
        story.append(Paragraph(markup(profile.headline), styles["headline"]))
    contact = [_link(f"mailto:{e}", e, MUTED) for e in profile.emails]
    if profile.phone:
        contact.append(_link("tel:" + "".join(c for c in profile.phone if c.isdigit() or c == "+"), profile.phone, MUTED))
    if profile.location:
        contact.append(markup(profile.location))
    contact += [_link(link.url, link.label, ACCENT) for link in profile.links]
    if contact:
        story.append(Spacer(1, 3))
        story.append(Paragraph(" &nbsp;·&nbsp; ".join(contact), styles["contact"]))
    if profile.summary:
        story += _section("Summary", styles)
        story.append(Paragraph(markup(profile.summary), styles["summary"]))

    if model.skills:
        story += _section("Skills", styles)
        chips = []
        for skill in model.skills[:60]:
            count = f' <font color="{MUTED}" size="7">×{skill.credential_count}</font>' if skill.credential_count > 1 else ""
            chips.append(f"{markup(skill.name)}{count}")
        more = f' <font color="{MUTED}">and {len(model.skills) - 60} more</font>' if len(model.skills) > 60 else ""
        story.append(Paragraph(f' <font color="{SEPARATOR}">|</font> '.join(chips) + more, styles["skills"]))

    if model.pathways_met or model.pathways_in_progress:
        story += _section("Career pathways", styles)
        story.append(_pathway_rows(model.pathways_met + model.pathways_in_progress, styles, text_width))

    story.append(CondPageBreak(60 * mm))
    heading = f"Credentials ({len(model.credentials)}"
    heading += f", {model.verified_count} verified)" if model.verified_count else ")"
    story += _section(heading, styles)
    how = HOW_TO_CHECK + (" " + HOW_TO_CHECK_PROOF if model.attached_proof else "")
    story.append(Paragraph(markup(how), styles["small"]))
    groups = model.grouped()
    for group, credentials in groups:
        if len(groups) > 1:
            story.append(CondPageBreak(45 * mm))  # never a group title alone at the foot of a page
            story.append(Paragraph(markup(group), styles["group"]))
        for credential in credentials:
            story.append(_credential_block(credential, styles, text_width, qr_size))

    footer_left = f"{profile.name} · {FOOTER_WORDS} {format_date(model.generated_at)}"
    # a Paragraph, not drawString: the name may need a CJK fallback font; made and wrapped once, drawn on each page
    footer = Paragraph(markup(footer_left), styles["footer"])
    footer.wrap(text_width - 30 * mm, 10 * mm)

    class NumberedCanvas(Canvas):
        """Adds "page k of n" to every page: pages are kept until the total is known (reportlab FAQ recipe)."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._saved_pages: list[dict[str, Any]] = []

        def showPage(self):
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._saved_pages)
            for state in self._saved_pages:
                self.__dict__.update(state)
                self._footer(total)
                super().showPage()
            if attachments:
                embed_files(self, attachments)
            super().save()

        def _footer(self, total: int) -> None:
            self.saveState()
            self.setStrokeColor(colors.toColor(RULE))
            self.setLineWidth(0.4)
            self.line(margin + 6, 12 * mm, page_size[0] - margin - 6, 12 * mm)
            footer.drawOn(self, margin + 6, 8.5 * mm - 1.5)
            self.setFillColor(colors.toColor(MUTED))
            self.setFont(FONT, 7)
            self.drawRightString(page_size[0] - margin - 6, 8.5 * mm, f"Page {self._pageNumber} of {total}")
            self.restoreState()

    from reportlab import rl_config

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=page_size,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=f"{profile.name} — Resume",
        author=profile.name,
        subject="Resume with verifiable credentials",
        creator="skillwallet",
        producer="skillwallet (reportlab)",
        invariant=False,
    )
    # Binary Flate streams, not ASCII85 on top: a quarter smaller, and reportlab's pure-Python ASCII85 encoder
    # would otherwise take most of the rendering time of a long wallet.
    previous_a85 = rl_config.useA85
    rl_config.useA85 = 0
    try:
        doc.build(story, canvasmaker=NumberedCanvas)
    finally:
        rl_config.useA85 = previous_a85
    return buffer.getvalue()

