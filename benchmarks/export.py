"""Export figures: a 200-credential resume PDF with a QR code each (goal: at most 3 s), QR generation per
credential, and signing a presentation of 50 credentials.

Run: ``.venv/bin/python benchmarks/export.py``. Prints wall-clock and CPU time (CPU time is what to compare on a
busy machine). Credentials are realistic OB 3.0 documents (about 1.8 KB each, so each QR code embeds the whole
signed credential: the dense case; a hosted-URL code is far cheaper).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "export"))

from export_helpers import AS_OF, FakeStored, ob2_hosted_credential, ob3_credential, sample_profile, verified  # noqa: E402


def timed(function, *args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def credentials(count: int) -> list[FakeStored]:
    return [
        FakeStored(
            f"{i:012x}",
            ob3_credential(f"Professional Certificate {i:03d}", "Open University", index=i,
                           skills=(f"Skill {i % 11}", f"Topic {i % 5}")),
            verified(),
        )
        for i in range(count)
    ]


def main() -> None:
    from skillwallet.export import qr
    from skillwallet.export.pdf import register_fonts, render_pdf
    from skillwallet.export.resume import build_resume

    register_fonts()  # one-off font loading (~0.1 s) is not part of each export's figure
    items = credentials(200)
    size = statistics.mean(len(i.credential.original) for i in items)

    # QR generation per credential: payload + symbol (embedded credential, and a hosted URL)
    payload_times, symbol_times = [], []
    for item in items[:50]:
        content, wall, _ = timed(qr.qr_content_for, item.credential)
        payload_times.append(wall)
        _, wall, _ = timed(qr.qr_pil_image, content.text, module_pixels=1)
        symbol_times.append(wall)
    url_text = qr.qr_content_for(ob2_hosted_credential()).text
    url_times = [timed(qr.qr_pil_image, url_text, module_pixels=1)[1] for _ in range(50)]
    matrix_modules = len(qr.qr_matrix(qr.qr_content_for(items[0].credential).text))
    print(f"credential size (OB 3.0 JSON):        {size:,.0f} bytes; SW1 symbol {matrix_modules} modules incl. quiet zone")
    print(f"QR payload (zlib + Base45):           {statistics.median(payload_times) * 1000:.2f} ms per credential (median)")
    print(f"QR symbol, embedded credential:       {statistics.median(symbol_times) * 1000:.2f} ms per credential (median)")
    print(f"QR symbol, verification URL:          {statistics.median(url_times) * 1000:.2f} ms per credential (median)")

    # The 200-credential resume, each with an embedded-credential QR code
    model, model_wall, model_cpu = timed(build_resume, sample_profile(), items, as_of=AS_OF)
    pdf, pdf_wall, pdf_cpu = timed(render_pdf, model)
    from pypdf import PdfReader
    import io

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    total_wall, total_cpu = model_wall + pdf_wall, model_cpu + pdf_cpu
    verdict = "meets" if total_cpu <= 3.0 else "MISSES"
    print(f"resume PDF, 200 credentials + QR:     {total_wall:.2f} s wall, {total_cpu:.2f} s CPU "
          f"(model {model_cpu:.2f} s, render {pdf_cpu:.2f} s); {pages} pages, {len(pdf) / 1024:.0f} KiB; "
          f"{verdict} the 3 s goal")

    # Presentation signing, 50 credentials (eddsa-rdfc-2022 canonicalises every embedded credential)
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from skillwallet.export.presentation import sign_presentation

    key = Ed25519PrivateKey.from_private_bytes(bytes(32))
    holder = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
    method = f"{holder}#z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
    fifty = items[:50]
    sign_presentation(fifty[:1], private_key=key, holder=holder, verification_method=method)  # warm the context cache
    for suite in ("eddsa-rdfc-2022", "eddsa-jcs-2022"):
        result, wall, cpu = timed(sign_presentation, fifty, private_key=key, holder=holder, verification_method=method,
                                  challenge="bench", domain="bench.example", cryptosuite=suite)
        print(f"presentation of 50, {suite}:   {wall:.2f} s wall, {cpu:.2f} s CPU; "
              f"{len(json.dumps(result.presentation)) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
