"""The published-credential corpus (tests/interop/fixtures): parse and offline verification time per file.

Every file is parsed and verified offline once cold (first JSON-LD expansion, contexts loaded) and then
timed over repeated runs; the figures are medians. Per family (OB 1.0/2.0/3.0, CLR, VC, VC-JWT, SD-JWT VC,
Blockcerts by version, Europass EDC, JAdES): how many, their verdicts and their verification time. Run:
``python benchmarks/interop.py``.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from skillwallet.errors import SkillwalletError  # noqa: E402
from skillwallet.formats import parse_credential_bytes  # noqa: E402
from skillwallet.verify.resolver import DocumentResolver  # noqa: E402
from skillwallet.verify.verifier import verify_credential  # noqa: E402

FIXTURES = ROOT / "tests" / "interop" / "fixtures"
AS_OF = datetime(2026, 6, 1, tzinfo=timezone.utc)
RUNS = 5


def credential_files() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.suffix in (".json", ".jsonld", ".jwt", ".jws", ".jose", ".sd-jwt", ".svg"))


# every family the corpus is meant to cover, in the order printed; one without a file says so
# (an EDC is reported as "edc" when given bare, as "jades" when sealed: the seal is what verification checks)
FAMILIES = ["ob1", "ob2", "ob3", "clr2", "vc", "vc-jwt", "vc+jwt", "sd-jwt", "edc", "jades"]


def family_of(credential) -> str:
    """The family a credential is reported under: Blockcerts and JAdES seals by their proof, a JWT-secured
    credential by its securing format (whatever data model its payload carries), else by format."""
    import json

    from skillwallet.verify.shapes import is_jws_json
    from skillwallet.model import FORMAT_SD_JWT, FORMAT_VC_JOSE, FORMAT_VC_JWT
    from skillwallet.verify.shapes import blockcerts_kind as kind_of

    try:
        document = json.loads(credential.original)
    except ValueError:
        document = None
    if isinstance(document, dict) and kind_of(document):
        return f"blockcerts {kind_of(document)}"
    if isinstance(document, dict) and is_jws_json(document):
        return "jades"
    if credential.format in (FORMAT_VC_JWT, FORMAT_VC_JOSE, FORMAT_SD_JWT):
        # the parser keeps the payload's data model in extra["family"]; the securing format is what differs
        return credential.format
    if credential.format == "ob2" and str(credential.extra.get("ob_version", "")).startswith("1"):
        return "ob1"
    return credential.extra.get("family") or credential.format


def anchors_beside(path: Path) -> dict[str, bytes]:
    """The CA certificates published beside a credential (``*.pem`` in its fixture folder, named in SOURCES.md):
    the trust anchors a holder of that credential would give with ``--trust-anchor``."""
    return {p.name: p.read_bytes() for p in sorted(path.parent.glob("*.pem"))}


def main() -> None:
    rows = []
    refused: list[tuple[str, str]] = []  # supporting documents and files refused by design, with the reason
    families: dict[str, dict[str, int]] = {}  # format family -> verdict -> count
    family_times: dict[str, list[tuple[float, float]]] = {}  # format family -> (cold, warm median) verify times
    for path in credential_files():
        data = path.read_bytes()
        try:
            start = time.perf_counter()
            credentials = parse_credential_bytes(data, source=str(path))
            cold_parse = time.perf_counter() - start
        except SkillwalletError as error:
            # supporting documents and files refused by design (tests/interop pins each refusal): listed
            refused.append((str(path.relative_to(FIXTURES)), str(error).replace(str(path), "").lstrip(": ")))
            continue
        anchors = anchors_beside(path)
        start = time.perf_counter()
        verdict = verify_credential(credentials[0], resolver=DocumentResolver(offline=True, anchors=anchors), as_of=AS_OF)
        cold_verify = time.perf_counter() - start
        parse_times, verify_times = [], []
        for _ in range(RUNS):
            start = time.perf_counter()
            credentials = parse_credential_bytes(data, source=str(path))
            parse_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            verify_credential(credentials[0], resolver=DocumentResolver(offline=True, anchors=anchors), as_of=AS_OF)
            verify_times.append(time.perf_counter() - start)
        rows.append((str(path.relative_to(FIXTURES)), verdict.verdict, cold_parse, statistics.median(parse_times),
                     cold_verify, statistics.median(verify_times)))
        family = family_of(credentials[0])
        families.setdefault(family, {}).setdefault(verdict.verdict, 0)
        families[family][verdict.verdict] += 1
        family_times.setdefault(family, []).append((cold_verify, statistics.median(verify_times)))
    width = max(len(r[0]) for r in rows)
    print(f"{'file':<{width}}  {'verdict':<13} {'parse ms (cold/median)':>23} {'verify ms (cold/median)':>24}")
    for name, verdict, p0, p, v0, v in rows:
        print(f"{name:<{width}}  {verdict:<13} {p0 * 1000:>11.2f} / {p * 1000:>8.2f} {v0 * 1000:>12.2f} / {v * 1000:>8.2f}")
    total_verify = sum(r[5] for r in rows)
    print(f"\n{len(rows)} published credentials; median verify total {total_verify * 1000:.1f} ms, "
          f"mean {total_verify / len(rows) * 1000:.1f} ms per credential (offline, warm)")
    print("\nby family (offline): count, verdicts, verify ms per credential (cold mean / warm mean / warm slowest)")
    fwidth = max(len(f) for f in [*families, *FAMILIES])
    for family, verdicts in sorted(families.items(), key=lambda item: (
            FAMILIES.index(item[0]) if item[0] in FAMILIES else len(FAMILIES), item[0])):
        cold = [c for c, _ in family_times[family]]
        warm = [w for _, w in family_times[family]]
        counted = ", ".join(f"{v} {n}" for v, n in sorted(verdicts.items()))
        print(f"  {family:<{fwidth}}  {len(warm):>3}  {counted:<48} {statistics.mean(cold) * 1000:>8.2f} / "
              f"{statistics.mean(warm) * 1000:>8.2f} / {max(warm) * 1000:>8.2f}")
    for family in FAMILIES:
        if family not in families:
            print(f"  {family:<{fwidth}}    0  (no file of this family in the corpus)")
    if refused:
        print(f"\nnot credentials or refused by design ({len(refused)} files, not timed):")
        for name, reason in refused:
            print(f"  {name:<{width}}  {reason[:90]}")


def jades_vectors() -> None:
    """The EU DSS's published JAdES files (fixtures/dss-jades): seals over ``{"title": ...}``, not credentials, so
    ``verify_jades`` is timed on them directly (as tests/interop/test_dss_jades_vectors.py checks them): at the
    header's ``sigT``, anchored at the x5c's own intermediate, the issuer named as the seal's organisation."""
    import base64
    import json

    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    from skillwallet.verify.jades import verify_jades

    folder = FIXTURES / "dss-jades"
    outcomes: dict[str, int] = {}
    times: list[float] = []
    for path in sorted(folder.glob("*.json")):
        content = path.read_text(encoding="utf-8")
        if content.lstrip().startswith("{"):
            envelope = json.loads(content)
        else:
            protected, payload, signature = content.split(".")
            envelope = {"protected": protected, "payload": payload, "signature": signature}
        first = envelope["signatures"][0] if envelope.get("signatures") else envelope
        try:
            protected = first["protected"]
            header = json.loads(base64.urlsafe_b64decode(protected + "=" * (-len(protected) % 4)))
            chain = [x509.load_der_x509_certificate(base64.b64decode(c)) for c in header["x5c"]]
            when = datetime.fromisoformat(header["sigT"].replace("Z", "+00:00"))
            anchors = {"anchor.pem": chain[-1].public_bytes(Encoding.PEM)}
        except (KeyError, TypeError, ValueError):  # the broken envelopes: refused before any chain is read
            when, anchors = AS_OF, {}
        issuer = {"issuer": {"legalName": {"en": "Nowina Solutions"}}}
        runs = []
        for _ in range(RUNS):
            start = time.perf_counter()
            finding = verify_jades(envelope, issuer, DocumentResolver(offline=True, anchors=anchors), when)
            runs.append(time.perf_counter() - start)
        outcomes[finding.outcome] = outcomes.get(finding.outcome, 0) + 1
        times.append(statistics.median(runs))
    counted = ", ".join(f"{outcome} {n}" for outcome, n in sorted(outcomes.items()))
    print(f"\nJAdES seals (EU DSS published vectors, not credentials): {len(times)} files, seal check {counted}; "
          f"{statistics.mean(times) * 1000:.2f} ms mean, {max(times) * 1000:.2f} ms slowest (warm median)")


if __name__ == "__main__":
    main()
    jades_vectors()
