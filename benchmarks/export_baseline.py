"""The yardstick for `skillwallet export --resume`: a naive script doing the same job by hand.

It unlocks the same wallet, reads every credential and the profile, and draws a PDF straight on a reportlab
canvas: the same embedded DejaVu fonts (real, searchable text), the same lines per credential, a link on each
credential id, and beside each a QR code made the plain way (zxing-cpp with its automatic mask, drawn with
``canvas.drawImage``). No layout engine, no grouping, no page-k-of-n footer: what a developer would write in an
afternoon. benchmarks/export.py runs it in the same run as the real command and prints the ratio.

    .venv/bin/python benchmarks/export_baseline.py                    # builds a throwaway wallet and times itself
    .venv/bin/python benchmarks/export_baseline.py --home DIR -o FILE # the job alone (passphrase: $SKILLWALLET_PASSPHRASE)
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path


def render(home: Path, passphrase: str, output: Path) -> int:
    """Unlock ``home``, draw every credential with its QR code into ``output``; returns the page count."""
    from importlib.resources import files

    import zxingcpp
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    from skillwallet.export.qr import qr_content_for
    from skillwallet.store import Wallet

    wallet = Wallet.open(home, passphrase=passphrase)
    try:
        profile = wallet.get_profile()
        stored = wallet.list_credentials()
    finally:
        wallet.close()

    fonts = files("skillwallet").joinpath("data/export/fonts")
    for name, filename in (("Sans", "DejaVuSans.ttf"), ("Sans-Bold", "DejaVuSans-Bold.ttf")):
        pdfmetrics.registerFont(TTFont(name, io.BytesIO(fonts.joinpath(filename).read_bytes())))

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    width, height = A4
    margin, qr_size = 17 * mm, 25 * mm
    y = height - margin
    canvas.setFont("Sans-Bold", 24)
    canvas.drawString(margin, y - 24, profile.get("name") or "")
    y -= 40
    pages = 1
    for item in stored:
        credential = item.credential
        if y - qr_size - 12 < margin:
            canvas.showPage()
            pages += 1
            y = height - margin
        text = canvas.beginText(margin, y - 11)
        text.setFont("Sans-Bold", 10.5)
        text.textLine(credential.title or "(untitled)")
        text.setFont("Sans", 9.2)
        issued = credential.issued.date().isoformat() if credential.issued else ""
        text.textLine(f"{credential.issuer.name or credential.issuer.id} · Issued {issued}")
        text.textLine(f"{item.verdict.verdict}")
        text.textLine("Skills: " + ", ".join(skill.name for skill in credential.skills))
        text.textLine(f"Wallet id {item.wallet_id} · Credential id {credential.credential_id or ''}")
        canvas.drawText(text)
        if credential.credential_id and credential.credential_id.startswith(("https://", "http://")):
            canvas.linkURL(credential.credential_id, (margin, y - 60, width - margin - qr_size, y - 48))
        content = qr_content_for(credential)
        symbol = zxingcpp.create_barcode(content.text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
        pixels = symbol.to_image(scale=1, add_quiet_zones=True)
        image = Image.frombytes("L", (pixels.shape[1], pixels.shape[0]), bytes(memoryview(pixels)))
        canvas.drawImage(ImageReader(image), width - margin - qr_size, y - qr_size, qr_size, qr_size)
        canvas.line(margin, y - qr_size - 6, width - margin, y - qr_size - 6)
        y -= qr_size + 12
    canvas.showPage()
    canvas.save()
    output.write_bytes(buffer.getvalue())
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path)
    parser.add_argument("-o", "--output", type=Path)
    options = parser.parse_args()
    if options.home is not None:
        if options.output is None:
            parser.error("--home needs -o FILE")
        render(options.home, os.environ["SKILLWALLET_PASSPHRASE"], options.output)
        return

    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from export import PASSPHRASE, build_wallet, scratch_env

    with tempfile.TemporaryDirectory(prefix="skillwallet-bench-") as scratch:
        env = scratch_env(Path(scratch))
        os.environ.update(env)
        build_wallet(Path(env["SKILLWALLET_HOME"]), 200)
        wall, cpu = time.perf_counter(), time.process_time()
        pages = render(Path(env["SKILLWALLET_HOME"]), PASSPHRASE, Path(scratch) / "naive.pdf")
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"naive canvas + zxing-cpp script, 200 credentials: {wall:.2f} s wall, {cpu:.2f} s CPU, {pages} pages "
              "(in process: imports not counted; benchmarks/export.py times it as a fresh process)")


if __name__ == "__main__":
    main()
