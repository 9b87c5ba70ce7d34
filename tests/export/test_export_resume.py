"""The resume: the model, and the PDF / Markdown / HTML renderings parsed back with real parsers."""

from __future__ import annotations

import io
from datetime import datetime, timezone
from html.parser import HTMLParser

import pytest
from export_helpers import AS_OF, FakeStored, ob3_credential, sample_profile, sample_wallet_items, verified

from skillwallet.errors import ExportError
from skillwallet.formats import inputs, sw1
from skillwallet.export.html import render_html
from skillwallet.export.markdown import md_escape, render_markdown
from skillwallet.export.pdf import render_pdf
from skillwallet.export.resume import build_resume, safe_url

EVALUATIONS = [
    {"goal": "cloud-architect", "title": "Cloud Solutions Architect", "status": "met", "progress": 1.0, "missing": []},
    {
        "goal": "data-engineer",
        "title": "Data Engineer (Associate)",
        "status": "partial",
        "progress": {"done": 2, "total": 5},
        "missing": ["Apache Spark course", {"title": "SQL certification"}],
    },
    {"goal": "pilot", "title": "Commercial Pilot", "status": "unmet", "progress": 0, "missing": ["everything"]},
]


def _model(**kwargs):
    items = kwargs.pop("items", None) or sample_wallet_items()
    return build_resume(sample_profile(), items, evaluations=EVALUATIONS, as_of=AS_OF, **kwargs)


def _pdf_reader(data: bytes):
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(data))


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in _pdf_reader(data).pages)


def _pdf_link_uris(data: bytes) -> list[str]:
    uris = []
    for page in _pdf_reader(data).pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/Link" and "/A" in annotation:
                uri = annotation["/A"].get("/URI")
                if uri:
                    uris.append(str(uri))
    return uris


def _pdf_qr_texts(data: bytes) -> list[str]:
    """Every QR code embedded as an image in the PDF, decoded by zxing-cpp."""
    texts = []
    for page in _pdf_reader(data).pages:
        for image in page.images:
            buffer = io.BytesIO()
            image.image.save(buffer, format="PNG")
            texts += inputs.decode_qr_image(buffer.getvalue())
    return texts


# --- model --------------------------------------------------------------------------------------------------------


def test_model_statuses_follow_the_verdicts() -> None:
    model = _model()
    by_id = {c.wallet_id: c for c in model.credentials}
    assert by_id["a1b2c3d4e5f6"].trusted and by_id["a1b2c3d4e5f6"].status_label == "Verified"
    assert by_id["0badc0ffee01"].status_label == "Unsigned" and not by_id["0badc0ffee01"].trusted
    expired = by_id["c0ffee000005"]
    assert expired.expired and not expired.trusted and "expired 2025-01-31" in expired.status_detail
    assert by_id["c0ffee000006"].status_label == "Signature invalid"
    assert model.verified_count == 3


def test_a_verified_credential_of_unknown_status_says_so_on_the_resume() -> None:
    items = sample_wallet_items()
    unknown = ob3_credential("Status not at hand", "Open University", index=43)
    items.append(FakeStored("c0ffee000043", unknown, verified(status="unknown"), []))
    entry = {c.wallet_id: c for c in build_resume(sample_profile(), items, as_of=AS_OF).credentials}["c0ffee000043"]
    assert entry.status_label == "Verified" and entry.status_detail.startswith("revocation status unknown")
    markdown = render_markdown(build_resume(sample_profile(), items, as_of=AS_OF))
    assert "Verified (revocation status unknown, checked" in markdown


def test_skills_summary_merges_names_and_ignores_invalid_credentials() -> None:
    model = _model()
    names = [s.name for s in model.skills]
    assert names[0] == "Python"  # four credentials evidence it (one spelled "python")
    assert model.skills[0].credential_count == 4
    assert "Forgery" not in names  # from the credential whose signature is invalid
    assert "GDPR" in names and "软件工程" in names


def test_pathways_split_into_met_and_in_progress() -> None:
    model = _model()
    assert [p.goal for p in model.pathways_met] == ["cloud-architect"]
    assert [p.goal for p in model.pathways_in_progress] == ["data-engineer"]  # unmet ones are left out
    assert model.pathways_in_progress[0].progress == pytest.approx(0.4)
    assert model.pathways_in_progress[0].missing == ["Apache Spark course", "SQL certification"]
    # ...unless it is the goal the resume is made for
    assert [p.goal for p in _model(goal="pilot").pathways_in_progress] == ["data-engineer", "pilot"]


def test_missing_profile_and_empty_selection_are_export_errors() -> None:
    with pytest.raises(ExportError, match="no profile"):
        build_resume({}, sample_wallet_items(), as_of=AS_OF)
    with pytest.raises(ExportError, match="holds no credentials"):
        build_resume(sample_profile(), [], as_of=AS_OF)


def test_unsafe_links_are_never_emitted() -> None:
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("file:///etc/passwd") is None
    assert safe_url("https://ok.example/x") == "https://ok.example/x"
    credential = ob3_credential("<script>alert(1)</script>", "Evil & Co", index=9)
    credential.issuer.url = "javascript:alert(1)"
    item = FakeStored("e1e1e1e1e1e1", credential, verified())
    model = build_resume(sample_profile(), [item], as_of=AS_OF)
    assert model.credentials[0].issuer_url is None
    page = render_html(model)
    assert "<script>" not in page and "javascript:" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "javascript:" not in render_markdown(model)
    assert "javascript:" not in _pdf_link_uris(render_pdf(model))


# --- PDF ----------------------------------------------------------------------------------------------------------


def test_pdf_has_real_text_links_and_scannable_qr_codes() -> None:
    items = sample_wallet_items()
    pdf = render_pdf(_model(items=items))
    assert pdf.startswith(b"%PDF-")
    text = _pdf_text(pdf)
    for expected in (
        "Zoë Ångström-Nakamura",
        "Certified Kubernetes Administrator (CKA)®",
        "Universidad Politécnica de Cataluña",
        "高级软件工程师证书",
        "清华大学",
        "Data Engineer (Associate)",
        "Signature invalid",
        "urn:uuid:7b1e2c4d-1111-4222-8333-444455556666",
        "Expires 17 Mar 2030",
        "Expired 31 Jan 2025",
    ):
        assert expected in text, expected
    uris = _pdf_link_uris(pdf)
    assert "mailto:zoe@example.org" in uris
    assert "https://github.com/zoe-example" in uris
    assert "https://badges.example.edu/assertions/1234?lang=en&v=2" in uris
    # every credential has a QR code, and each decodes to its URL or its exact original bytes
    payloads = [sw1.decode_qr_payload(t) for t in _pdf_qr_texts(pdf)]
    expected_payloads = [i.credential.original for i in items]
    expected_payloads[1] = items[1].credential.credential_id  # the hosted OB 2.0 assertion: its URL
    assert sorted(payloads, key=repr) == sorted(expected_payloads, key=repr)


def test_pdf_metadata_and_paper_sizes() -> None:
    model = _model()
    a4 = _pdf_reader(render_pdf(model, paper="a4"))
    letter = _pdf_reader(render_pdf(model, paper="letter"))
    assert round(float(a4.pages[0].mediabox.width)) == 595 and round(float(a4.pages[0].mediabox.height)) == 842
    assert round(float(letter.pages[0].mediabox.width)) == 612 and round(float(letter.pages[0].mediabox.height)) == 792
    assert a4.metadata.title == "Zoë Ångström-Nakamura — Resume"
    assert a4.metadata.author == "Zoë Ångström-Nakamura"
    with pytest.raises(ExportError, match="paper size"):
        render_pdf(model, paper="a3")


def test_long_wallet_paginates_with_page_numbers() -> None:
    items = [
        FakeStored(f"{i:012x}", ob3_credential(f"Course {i:03d}", "Open University", index=i, skills=(f"Skill {i % 7}",)),
                   verified())
        for i in range(60)
    ]
    pdf = render_pdf(build_resume(sample_profile(), items, as_of=AS_OF))
    reader = _pdf_reader(pdf)
    pages = len(reader.pages)
    assert pages >= 6
    for number, page in enumerate(reader.pages, start=1):
        assert f"Page {number} of {pages}" in page.extract_text()
    text = _pdf_text(pdf)
    # every credential appears exactly once: no entry split or lost at a page break
    for i in range(60):
        assert text.count(f"Course {i:03d}") == 1
    assert len(_pdf_qr_texts(pdf)) == 60


def test_credential_too_large_for_qr_is_listed_with_a_note() -> None:
    import os

    credential = ob3_credential("Huge Transcript", "Big University", index=77)
    credential.original = os.urandom(5000)
    pdf = render_pdf(build_resume(sample_profile(), [FakeStored("b1b1b1b1b1b1", credential, verified())], as_of=AS_OF))
    text = _pdf_text(pdf)
    assert "Huge Transcript" in text
    assert "No QR code: credential is too large for a QR code" in text
    assert _pdf_qr_texts(pdf) == []


# --- Markdown and HTML ----------------------------------------------------------------------------------------------


def test_markdown_holds_the_same_content() -> None:
    document = render_markdown(_model())
    assert document.startswith("# Zoë Ångström-Nakamura\n")
    assert "## Skills" in document and "Python ×4" in document
    assert "- ✓ **Cloud Solutions Architect** — completed" in document
    assert "[Data Literacy Foundations](<https://badges.example.edu/assertions/1234?lang=en&v=2>)" in document
    assert "高级软件工程师证书" in document
    assert "**Status:** Signature invalid" in document
    assert md_escape("a*b_[c](d)") == r"a\*b\_\[c\](d)"


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self.svgs = 0
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append(dict(attrs)["href"])
        if tag == "svg":
            self.svgs += 1

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_self_contained_with_inline_qr_codes() -> None:
    page = render_html(_model())
    assert page.startswith("<!DOCTYPE html>")
    parser = _Collector()
    parser.feed(page)
    text = "".join(parser.text)
    assert "Zoë Ångström-Nakamura" in text and "高级软件工程师证书" in text
    assert "https://badges.example.edu/assertions/1234?lang=en&v=2" in parser.links
    assert "mailto:zoe@example.org" in parser.links
    assert parser.svgs == 6
    # nothing is fetched when the page is opened
    assert "<script" not in page and "<link" not in page and 'src="http' not in page


def test_resume_date_formats_are_unambiguous() -> None:
    from skillwallet.export.resume import format_date

    assert format_date(datetime(2024, 3, 2, tzinfo=timezone.utc)) == "2 Mar 2024"
    assert format_date(None) == ""


def test_cjk_text_stays_real_text_without_a_cjk_font_on_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    import skillwallet.export.pdf as pdf_module

    monkeypatch.setattr(pdf_module, "embedded_cjk_font", lambda: frozenset())
    assert 'name="STSong-Light"' in pdf_module.markup("清华大学")
    assert 'name="HeiseiMin-W3"' in pdf_module.markup("ひらがな")
    assert 'name="HYSMyeongJo-Medium"' in pdf_module.markup("한국어")
    text = _pdf_text(render_pdf(_model()))
    assert "高级软件工程师证书" in text and "清华大学" in text


def test_skill_names_are_the_taxonomy_labels_whatever_the_spelling() -> None:
    items = sample_wallet_items()
    assert _model(items=list(reversed(items))).skills[0].name == "Python"
    assert "Python" in [s.name for s in _model(items=items[1:2]).skills]  # spelled "python" there


def test_any_text_renders_in_every_format() -> None:
    """Arbitrary Unicode (controls, surrogates-free astral planes, RTL, markup look-alikes) never breaks a renderer."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from skillwallet.export.jsonresume import render_json_resume

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(st.text(min_size=1, max_size=80), st.text(max_size=40), st.text(min_size=1, max_size=30).filter(str.strip))
    def check(title: str, issuer: str, name: str) -> None:
        credential = ob3_credential(title, issuer or "x", index=1, skills=(title[:10],))
        profile = sample_profile()
        profile["name"] = name
        model = build_resume(profile, [FakeStored("aaaaaaaaaaaa", credential, verified())], as_of=AS_OF)
        assert render_pdf(model).startswith(b"%PDF-")
        assert "<script" not in render_html(model).replace("&lt;script", "")
        render_markdown(model)
        try:
            render_json_resume(model)
        except ExportError:
            pass  # refused with a clear message is fine; anything else is a bug

    check()


def test_credentials_are_grouped_like_a_resume() -> None:
    from skillwallet.export.jsonresume import build_json_resume, validate_json_resume
    from skillwallet.export.resume import credential_group, type_label

    assert credential_group("BachelorDegree") == "Degrees and diplomas"
    assert credential_group("ext:ResearchDoctorate") == "Degrees and diplomas"
    assert credential_group("License") == "Certifications and licences"
    assert credential_group("MicroCredential") == "Courses, badges and awards"
    assert credential_group(None) == "Other credentials"
    assert type_label("BachelorDegree") == "Bachelor Degree" and type_label("ext:CPDPoints") == "CPD Points"
    degree = ob3_credential("MSc Data Science", "University of Edinburgh", index=70, achievement_type="MasterDegree")
    degree.result = "Distinction"
    items = [*sample_wallet_items(), FakeStored("d0d0d0d0d0d0", degree, verified())]
    model = build_resume(sample_profile(), items, as_of=AS_OF)
    assert [name for name, _ in model.grouped()] == [
        "Degrees and diplomas", "Certifications and licences", "Courses, badges and awards"]
    text = _pdf_text(render_pdf(model))
    assert text.index("Degrees and diplomas") < text.index("MSc Data Science") < text.index("Certifications and licences")
    document = render_markdown(model)
    assert "### Degrees and diplomas\n\n#### MSc Data Science · Master Degree" in document
    resume = build_json_resume(model)
    validate_json_resume(resume)
    (education,) = resume["education"]
    assert education["institution"] == "University of Edinburgh" and education["studyType"] == "Master Degree"
    assert education["area"] == "MSc Data Science" and education["score"] == "Distinction"
    assert education["endDate"] == "2024-03-12"
    assert all(c["name"] != "MSc Data Science" for c in resume["certificates"])


def test_pdf_qr_codes_are_1_bit_images_with_one_pixel_per_module() -> None:
    items = sample_wallet_items()
    pdf = render_pdf(_model(items=items))
    images = []
    for page in _pdf_reader(pdf).pages:
        for name, xobject in (page["/Resources"].get("/XObject") or {}).items():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Image":
                images.append(xobject)
    assert len(images) == len(items)
    for image in images:
        assert image["/BitsPerComponent"] == 1 and image["/ColorSpace"] == "/DeviceGray"
        assert "/Interpolate" not in image  # readers scale modules up with sharp edges
        assert image["/Width"] == image["/Height"] and (image["/Width"] - 8 - 17) % 4 == 0  # QR version sizes
    assert len(_pdf_qr_texts(pdf)) == len(items)


def _entries_pdf(credentials, *, plain: bool) -> tuple[bytes, list[float]]:
    """Just the credential entries, laid out with the plain-line fast path or always with Paragraphs."""
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    from skillwallet.export import pdf

    styles = pdf.paragraph_styles()
    story = [pdf._credential_block(c, styles, 480, 25 * mm, plain=plain) for c in credentials]
    heights = [entry.wrap(480, 800)[1] for entry in story]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, invariant=True).build(story)
    return buffer.getvalue(), heights


def _baselines(data: bytes) -> list[tuple[int, float, str]]:
    """(page, baseline, first characters) of every piece of text shown, from the PDF's own text matrices."""
    found = []
    for number, page in enumerate(_pdf_reader(data).pages):
        def visit(text, cm, tm, font, size, number=number):
            if text.strip():
                found.append((number, round(tm[4] * cm[1] + tm[5] * cm[3] + cm[5], 1), text.strip()[:12]))

        page.extract_text(visitor_text=visit)
    return found


def _link_spans(data: bytes) -> list[tuple[float, float]]:
    """(left, right) of every link annotation, in page order, to a hundredth of a point."""
    spans = []
    for page in _pdf_reader(data).pages:
        for annotation in page.get("/Annots") or []:
            rect = [float(v) for v in annotation.get_object()["/Rect"]]
            spans.append((round(rect[0], 2), round(rect[2], 2)))
    return spans


def test_plain_line_widths_are_reportlabs_to_the_last_bit() -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from skillwallet.export import pdf

    pdf.register_fonts()
    texts = ["Wallet id c0ffee000041", "Skills: Kubernetes, Cloud Native", "✓ Verified", " \u00a0·\u00a0 Issued 3 Mar 2024",
             "Ünïcödé — “quotes” … ½ €", "高级 not in DejaVu: the default advance", "", "x" * 500]
    for font in (pdf.FONT, pdf.FONT_BOLD):
        for size in (7.8, 9.2, 10.5, 8):
            for text in texts:
                assert pdf._string_width(text, font, size) == stringWidth(text, font, size), (font, size, text)


def test_resume_embeds_only_the_regular_and_bold_faces() -> None:
    """Nothing in a resume is italic (all text is escaped before it reaches a Paragraph), so the oblique face is
    neither parsed nor embedded; an italic asked for anyway is drawn upright, not a missing-font error."""
    from reportlab.lib.fonts import tt2ps
    from reportlab.platypus import Paragraph

    from skillwallet.export import pdf

    data = render_pdf(_model())
    fonts = set()
    for page in _pdf_reader(data).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts and all("Oblique" not in name for name in fonts)
    assert any(name.endswith("DejaVuSans") for name in fonts) and any(name.endswith("DejaVuSans-Bold") for name in fonts)
    assert tt2ps(pdf.FONT, 0, 1) == pdf.FONT and tt2ps(pdf.FONT, 1, 1) == pdf.FONT_BOLD
    styles = pdf.paragraph_styles()
    Paragraph("<i>upright</i> <b><i>bold</i></b>", styles["body"]).wrap(300, 100)


def test_plain_entry_lines_read_and_link_like_paragraphs() -> None:
    from skillwallet.export import pdf

    items = sample_wallet_items()
    long_title = ob3_credential("A " + "very long title for a credential, " * 6, "Open University", index=40)
    items.append(FakeStored("c0ffee000040", long_title, verified(), []))
    result = ob3_credential("Diploma with a result", "Open University", index=41)
    result.result = "Distinction"
    result.credits = 7.5
    items.append(FakeStored("c0ffee000041", result, verified(), []))
    credentials = build_resume(sample_profile(), items, as_of=AS_OF).credentials
    styles = pdf.paragraph_styles()
    kinds = [type(block).__name__ for block in
             (pdf._PlainLines.make(pdf._entry_lines(c, styles)[1], styles["entry"], 399) for c in credentials)]
    # CJK text needs a fallback font and the long title wraps: those use Paragraphs; the rest the fast path
    assert kinds.count("NoneType") == 1 and kinds.count("_PlainLines") == len(credentials) - 1
    assert pdf._PlainLines.make([pdf._entry_lines(credentials[-2], styles)[0]], styles["title"], 399) is None

    plain, plain_heights = _entries_pdf(credentials, plain=True)
    paragraphs, paragraph_heights = _entries_pdf(credentials, plain=False)
    assert plain_heights == pytest.approx(paragraph_heights)  # the same height, so the same page breaks

    def words(data: bytes) -> list[str]:
        return _pdf_text(data).split()

    assert words(plain) == words(paragraphs)
    assert _baselines(plain) == _baselines(paragraphs)  # every line of text at the same height on the page
    assert "Distinction" in words(plain) and "高级软件工程师证书" in _pdf_text(plain)
    assert _pdf_link_uris(plain) == _pdf_link_uris(paragraphs)
    # each link spans its words from the same left edge to the same right edge: the runs are measured as
    # reportlab measures a Paragraph's words
    assert _link_spans(plain) == _link_spans(paragraphs) and len(_link_spans(plain)) >= len(credentials)
    assert "https://issuer.example.org" in _pdf_link_uris(plain)
    assert sorted(map(sw1.decode_qr_payload, _pdf_qr_texts(plain)), key=repr) == \
        sorted(map(sw1.decode_qr_payload, _pdf_qr_texts(paragraphs)), key=repr)


def test_qr_codes_and_their_captions_are_centred_in_their_column() -> None:
    """Each code is drawn as its image scaled to its printed size against the right margin, and each caption line
    centred under it (the code's matrix and the caption's text are written straight into the page: check where
    they land)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from skillwallet.export import pdf

    data = render_pdf(_model())
    codes: list[list[float]] = []
    captioned: list[tuple[list[float], float, str]] = []
    for page in _pdf_reader(data).pages:
        def operator(op, args, cm, tm):
            if op == b"Do":  # cm: the page's current transformation matrix where the image is drawn
                codes.append([float(v) for v in cm])

        def text(value, cm, tm, font, size):
            if value.strip() and abs(float(size or 0) - 6.4) < 0.01:  # the caption style's size
                captioned.append((codes[-1], tm[4] * cm[0] + cm[4], value.strip()))

        page.extract_text(visitor_operand_before=operator, visitor_text=text)
    assert len(codes) == len(_model().credentials)
    assert len({round(x + a, 2) for a, _, _, _, x, _ in codes}) == 1  # every code against the same right edge
    for a, b, c, d, x, y in codes:
        assert a == d > 0 and b == c == 0  # square and upright
    assert len(captioned) >= 2 * len(codes)
    for (a, _, _, _, x, y), left, line in captioned:
        assert line in "Holds the signed credential (SW1)" or line in "Opens the verification page"
        assert left + stringWidth(line, pdf.FONT, 6.4) / 2 == pytest.approx(x + a / 2, abs=0.01)


def test_cjk_fallback_fonts_are_registered_when_first_needed() -> None:
    """A fresh process: a resume in Latin script never loads reportlab's CID fonts; the first Han, kana or Hangul
    character registers the one it needs, so the Paragraph that names it finds it."""
    import subprocess
    import sys
    import textwrap
    from pathlib import Path

    script = textwrap.dedent("""
        import io, sys
        sys.path.insert(0, sys.argv[1])
        from export_helpers import AS_OF, FakeStored, ob3_credential, sample_profile, verified
        import skillwallet.export.pdf as pdf
        from skillwallet.export.resume import build_resume
        from pypdf import PdfReader

        pdf.embedded_cjk_font = lambda: frozenset()  # as on a machine without a CJK TrueType font
        latin = [FakeStored("a00000000001", ob3_credential("Data Literacy", "Open University", index=1), verified())]
        pdf.render_pdf(build_resume(sample_profile(), latin, as_of=AS_OF))
        print("reportlab.pdfbase.cidfonts" in sys.modules)
        titles = ("ひらがなの証明書", "한국어 자격증", "清华大学证书")
        cjk = [FakeStored(f"c0000000000{i}", ob3_credential(title, "Open University", index=10 + i), verified())
               for i, title in enumerate(titles)]
        data = pdf.render_pdf(build_resume(sample_profile(), cjk, as_of=AS_OF))
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
        print(all(title.replace(" ", "") in text.replace(" ", "") for title in titles))
        print(sorted(name for name in ("STSong-Light", "HeiseiMin-W3", "HYSMyeongJo-Medium") if name.encode() in data))
    """)
    done = subprocess.run([sys.executable, "-c", script, str(Path(__file__).parent)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:3] == ["False", "True", "['HYSMyeongJo-Medium', 'HeiseiMin-W3', 'STSong-Light']"]


def test_credits_show_the_credit_system_the_credential_names(passphrase, tmp_path, capsys) -> None:
    """5 credits are not 5 US semester hours: the published Europass microcredential (5 credits in the European
    Credit Transfer System) says so in every resume format, added and exported through the real CLI."""
    from pathlib import Path

    from skillwallet import paths
    from skillwallet.cli.app import run
    from skillwallet.store import Wallet

    Wallet.init(paths.wallet_home(), passphrase).close()
    published = Path(__file__).parents[1] / "interop" / "fixtures" / "mynextid-edc" / "edc-mc-example.json"
    assert run(["profile", "set", "--name", "Ana Souza"]) == 0
    assert run(["add", "--offline", str(published)]) == 0
    expected = "5 credits (European Credit Transfer System)"
    for name in ("resume.md", "resume.html", "resume.pdf"):
        target = tmp_path / name
        assert run(["export", "--resume", "-o", str(target)]) == 0, capsys.readouterr().err
        data = target.read_bytes()
        text = _pdf_text(data) if name.endswith(".pdf") else data.decode()
        assert expected in " ".join(text.split()), name


def test_credits_without_a_named_system_stay_plain_credits() -> None:
    items = sample_wallet_items()
    plain = ob3_credential("Course with credits", "Open University", index=42)
    plain.credits = 3
    items.append(FakeStored("c0ffee000042", plain, verified(), []))
    markdown = render_markdown(build_resume(sample_profile(), items, as_of=AS_OF))
    assert "3 credits" in markdown and "3 credits (" not in markdown
