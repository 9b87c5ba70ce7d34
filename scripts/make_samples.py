"""Regenerate the embedded sample credentials in ``src/skillwallet/data/samples/``.

The samples are real, signed Open Badges 3.0 credentials from two fictional demo issuers whose
Ed25519 keys come from fixed, published seeds below: they exist so that ``make demo`` and the tests
can show verification, stacking and export end to end on a fresh machine. Anyone can forge a
credential from these issuers, which is the point of publishing the seeds: never trust them.

Run: ``.venv/bin/python scripts/make_samples.py`` (output is deterministic).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from skillwallet.formats.baked import bake_png
from skillwallet.verify.data_integrity import sign_data_integrity
from skillwallet.verify.keys import did_key_from_ed25519

OUT = Path(__file__).resolve().parents[1] / "src" / "skillwallet" / "data" / "samples"
CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
STATUS_LIST_URL = "https://credentials.cloudskills.example/status/1"


def demo_issuer(seed_text: str) -> tuple[Ed25519PrivateKey, str, str]:
    seed = hashlib.sha256(seed_text.encode()).digest()
    key = Ed25519PrivateKey.from_private_bytes(seed)
    did = did_key_from_ed25519(key.public_key())
    return key, did, f"{did}#{did.split(':')[-1]}"


def badge_image(label: str, colour: tuple[int, int, int]) -> bytes:
    """A plain round badge image, so that the baked sample looks like a badge."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (200, 200), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, 192, 192), fill=colour + (255,), outline=(20, 40, 80, 255), width=6)
    draw.text((100, 100), label, fill=(255, 255, 255, 255), anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def when(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def ob3(*, issuer_did, issuer_name, issuer_url, cred_id, name, description, criteria, skills, valid_from,
        valid_until=None, achievement_type="Course", credits=None, status_index=None):
    alignments = [
        {
            "type": ["Alignment"],
            "targetName": skill,
            "targetType": "Skill",
            "targetUrl": url,
            "targetFramework": framework,
        }
        for skill, framework, url in skills
    ]
    achievement = {
        "id": f"{issuer_url}/achievements/{cred_id}",
        "type": ["Achievement"],
        "achievementType": achievement_type,
        "name": name,
        "description": description,
        "criteria": {"narrative": criteria},
        "alignment": alignments,
        "tag": [s[0] for s in skills],
    }
    if credits is not None:
        achievement["creditsAvailable"] = credits
    doc = {
        "@context": list(CONTEXTS),
        "id": f"urn:uuid:{hashlib.sha256(cred_id.encode()).hexdigest()[:8]}-5a1e-4c3b-9d2f-{hashlib.sha256(cred_id.encode()).hexdigest()[8:20]}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": name,
        "issuer": {"id": issuer_did, "type": ["Profile"], "name": issuer_name, "url": issuer_url},
        "validFrom": valid_from,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": "ana.souza@example.org",
                    "identityType": "emailAddress",
                    "hashed": False,
                }
            ],
            "achievement": achievement,
        },
    }
    if valid_until:
        doc["validUntil"] = valid_until
    if status_index is not None:
        doc["credentialStatus"] = {
            "id": f"{STATUS_LIST_URL}#{status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status_index),
            "statusListCredential": STATUS_LIST_URL,
        }
    return doc


def status_list_credential(issuer_did, revoked: set[int], size_bits=131072):
    bits = bytearray(size_bits // 8)
    for i in revoked:
        bits[i // 8] |= 0x80 >> (i % 8)
    encoded = "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).decode().rstrip("=")
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": STATUS_LIST_URL,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did,
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {
            "id": f"{STATUS_LIST_URL}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded,
        },
    }


ESCO = "ESCO"
PY = ("Python", ESCO, "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d")


def main() -> None:
    oda_key, oda_did, oda_vm = demo_issuer("skillwallet demo issuer: Open Data Academy")
    csi_key, csi_did, csi_vm = demo_issuer("skillwallet demo issuer: Cloud Skills Institute")
    oda = dict(issuer_did=oda_did, issuer_name="Open Data Academy (demo issuer)", issuer_url="https://opendata-academy.example")
    csi = dict(issuer_did=csi_did, issuer_name="Cloud Skills Institute (demo issuer)", issuer_url="https://cloudskills.example")
    samples = {
        "python-fundamentals.json": (oda_key, oda_vm, ob3(
            **oda, cred_id="python-fundamentals", name="Python Fundamentals",
            description="Variables, control flow, functions, modules and testing in Python 3.",
            criteria="Passed four graded programming assignments and a proctored final exam (score 88%).",
            skills=[PY, ("Computer programming", None, None)], valid_from="2025-03-10T00:00:00Z", credits=2)),
        "data-visualization-python.json": (oda_key, oda_vm, ob3(
            **oda, cred_id="data-visualization-python", name="Data Visualization with Python",
            description="Charts, dashboards and visual storytelling with pandas, Matplotlib and seaborn.",
            criteria="Published a portfolio of five visualisations reviewed by two instructors.",
            skills=[("Data visualisation", None, None), PY, ("pandas", None, None)], valid_from="2025-06-01T00:00:00Z",
            credits=2)),
        "sql-for-data-science.json": (oda_key, oda_vm, ob3(
            **oda, cred_id="sql-for-data-science", name="SQL for Data Science",
            description="Querying, joining and aggregating relational data; window functions; data cleaning in SQL.",
            criteria="Completed twelve graded SQL labs and a capstone analysis of a public data set.",
            skills=[("SQL", None, None), ("Data analysis", None, None), ("Statistics", None, None)],
            valid_from="2025-09-15T00:00:00Z", credits=2)),
        "spreadsheets-for-analysis.json": (oda_key, oda_vm, ob3(
            **oda, cred_id="spreadsheets-for-analysis", name="Spreadsheets for Analysis",
            description="Formulas, pivot tables, lookups and charts in spreadsheets.",
            criteria="Passed the practical spreadsheet assessment.",
            skills=[("Spreadsheets", None, None), ("Microsoft Excel", None, None)],
            valid_from="2025-01-20T00:00:00Z")),
        "cloud-practitioner.json": (csi_key, csi_vm, ob3(
            **csi, cred_id="cloud-practitioner", name="Cloud Practitioner (demo)",
            description="Cloud concepts, core services, security and pricing.",
            criteria="Passed the 90-minute certification exam.", achievement_type="Certification",
            skills=[("Cloud computing", None, None), ("Information security", None, None)],
            valid_from="2024-01-15T00:00:00Z", valid_until="2027-01-15T00:00:00Z", status_index=42)),
        "linux-administration.json": (csi_key, csi_vm, ob3(
            **csi, cred_id="linux-administration", name="Linux Administration Essentials (demo)",
            description="Users, permissions, services, networking and shell scripting on Linux.",
            criteria="Passed a hands-on lab exam.", achievement_type="Certification",
            skills=[("Linux", None, None), ("Shell scripting", None, None)],
            valid_from="2023-05-01T00:00:00Z", valid_until="2026-05-01T00:00:00Z", status_index=7)),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "documents").mkdir(exist_ok=True)
    for name, (key, vm, doc) in samples.items():
        signed = sign_data_integrity(doc, key, vm, created=when(doc["validFrom"][:10]))
        (OUT / name).write_text(json.dumps(signed, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    status = sign_data_integrity(status_list_credential(csi_did, revoked={7}), csi_key, csi_vm, created=when("2025-01-01"))
    (OUT / "documents" / "cloudskills-status-1.json").write_text(json.dumps(status, indent=2) + "\n", encoding="utf-8")
    (OUT / "documents" / "index.json").write_text(
        json.dumps({STATUS_LIST_URL: "cloudskills-status-1.json"}, indent=2) + "\n", encoding="utf-8"
    )
    # The same Cloud Practitioner credential baked into a badge image: adding both stores it once.
    (OUT / "cloud-practitioner-badge.png").write_bytes(
        bake_png(badge_image("CLOUD", (35, 99, 180)), (OUT / "cloud-practitioner.json").read_text(encoding="utf-8"))
    )
    # An Open Badges 2.0 hosted assertion (BadgeClass and Issuer embedded): verifiable only online.
    salt = "d3m0salt"
    ob2 = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "https://badges.opendata-academy.example/assertions/stats-101-ana",
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": salt,
            "identity": "sha256$" + hashlib.sha256(("ana.souza@example.org" + salt).encode()).hexdigest(),
        },
        "issuedOn": "2024-11-02T00:00:00Z",
        "verification": {"type": "hosted"},
        "badge": {
            "type": "BadgeClass",
            "id": "https://badges.opendata-academy.example/badges/stats-101",
            "name": "Introduction to Statistics",
            "description": "Descriptive statistics, probability, sampling and hypothesis tests.",
            "image": "https://badges.opendata-academy.example/badges/stats-101.png",
            "criteria": {"narrative": "Passed the final quiz with at least 80%."},
            "tags": ["Statistics", "Probability"],
            "alignment": [
                {"targetName": "Statistics", "targetUrl": "https://www.onetonline.org/find/descriptor/result/2.C.4.b",
                 "targetFramework": "O*NET"}
            ],
            "issuer": {
                "type": "Issuer",
                "id": "https://badges.opendata-academy.example/issuer",
                "name": "Open Data Academy (demo issuer)",
                "url": "https://opendata-academy.example",
                "email": "badges@opendata-academy.example",
            },
        },
    }
    (OUT / "intro-statistics-ob2.json").write_text(json.dumps(ob2, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {len(samples)} credentials and 1 status list to {OUT}")


if __name__ == "__main__":
    main()
