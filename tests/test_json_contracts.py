"""`--json` output contracts: every read command prints one object with `schema`, `version` and pinned members.

Each contract runs the real command on a small real wallet. A contract whose command is not registered yet is
skipped; `test_every_json_command_has_a_contract` fails when a command with `--json` has no contract here, so a
new read command cannot ship an unpinned shape.
"""

from __future__ import annotations

import json
from pathlib import Path
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

import pytest
import typer.main

from skillwallet import paths
from skillwallet.cli import completion_gen
from skillwallet.cli.app import app, run
from skillwallet.errors import ExitCode
from skillwallet.model import Credential, Issuer, Skill
from skillwallet.store import Wallet


@dataclass
class Contract:
    """One pinned shape: the command line, its schema kind, members required at the top and in each list item."""

    args: list[str]
    kind: str
    required: set[str]
    items: dict[str, set[str]] = field(default_factory=dict)  # list member -> required members of each item
    check: Callable[[dict, dict], None] | None = None  # extra assertions (document, wallet ids)
    exit_codes: tuple[int, ...] = (0,)
    needs_wallet: bool = True

    @property
    def command(self) -> str:
        """The command path: the longest run of leading words that names a command (`config get`, not `paper`)."""
        words = []
        for arg in self.args:
            if arg.startswith(("-", "{")):
                break
            words.append(arg)
        for end in range(len(words), 0, -1):
            if " ".join(words[:end]) in registered_commands():
                return " ".join(words[:end])
        return " ".join(words)


def _check_verify(document: dict, ids: dict) -> None:
    assert len(document["results"]) == len(ids), "verify --all covers every credential"
    for result in document["results"]:
        # each document the verdict relied on, and where it came from (supplied/kept/fetched/cached/from-import);
        # a JSON-LD context the user supplied also has kind "context" and the SHA-256 of the copy used
        assert isinstance(result["details"]["documents"], list)
        for entry in result["details"]["documents"]:
            assert {"url", "source", "stored_at"} <= set(entry)
            if entry.get("kind") == "context":
                assert entry["source"] in ("supplied", "kept") and len(entry["sha256"]) == 64


def _check_list(document: dict, ids: dict) -> None:
    assert document["count"] == len(ids)
    by_title = {c["title"]: c for c in document["credentials"]}
    first_aid = by_title["First Aid"]
    assert first_aid["id"] == ids["First Aid"]
    assert first_aid["issuer"] == "Example Institute"
    assert first_aid["issued"] == "2024-01-01T00:00:00Z"
    assert first_aid["expires"] == "2026-01-20T00:00:00Z"
    assert first_aid["format"] == "ob3"
    assert by_title["BSc Computing"]["expires"] is None


def _check_show(document: dict, ids: dict) -> None:
    assert document["id"] == ids["First Aid"]
    assert document["credential"]["title"] == "First Aid"
    assert "original" not in document["credential"]  # the bytes are `show --original`, never inside JSON


def _check_expiring(document: dict, ids: dict) -> None:
    assert [c["id"] for c in document["credentials"]] == [ids["First Aid"]]
    assert document["credentials"][0]["status"] == "expiring"
    # no catalogued route renews a first-aid certificate: said plainly, not left out
    assert document["credentials"][0]["renewal_route"] is None
    assert document["credentials"][0]["renewal_note"].startswith("no renewal route is known")
    assert document["credentials"][0]["renewal_opens"] is None  # no route, so no window to open


def _check_reread(document: dict, ids: dict) -> None:
    reread = document["reread"]
    assert reread["dry_run"] is True
    assert set(reread["counts"]) == {"changed", "unchanged", "unreadable", "skipped"}
    assert sum(reread["counts"].values()) == len(ids)
    # the fixture's originals are not credentials any importer reads: each is left as it is, and named
    assert {c["id"] for c in reread["credentials"]} == set(ids.values())
    for item in reread["credentials"]:
        assert {"id", "status", "title", "fields", "reason", "verdict", "verdict_reset"} <= set(item)
        assert item["status"] == "unreadable" and item["fields"] == [] and item["reason"]


def _check_stack(document: dict, ids: dict) -> None:
    assert isinstance(document["missing"], list)
    assert isinstance(document["status"], str)
    # false only when the assignment search ran out of its budget (best found, not proven optimal)
    assert document["exact"] is True and document["search"]["exhaustive"] is True
    # every requirement says how to fill it when unmet (what counts, the cheapest offering, a command)
    def walk(node):
        assert "fill" in node and {"via", "inferred", "inferred_from"} <= {k for c in node["credentials"] for k in c} | (
            {"via", "inferred", "inferred_from"} if not node["credentials"] else set())
        if node["status"] != "met" and not node["children"]:
            assert {"counts", "offering", "command"} <= set(node["fill"])
        for child in node["children"]:
            walk(child)
    walk(document["tree"])


CONTRACTS: list[Contract] = [
    Contract(
        ["list", "--json"],
        "credentials",
        {"count", "credentials"},
        items={"credentials": {"id", "title", "issuer", "issued", "expires", "format", "tags", "verdict", "in_force",
                                  "not_in_force"}},
        check=_check_list,
    ),
    Contract(
        ["show", "{First Aid}", "--json"],
        "credential",
        {"id", "credential", "verdict", "tags", "note"},
        check=_check_show,
    ),
    Contract(
        ["status", "--json"],
        "status",
        {"home", "wallet_file", "format_version", "credentials", "kdf", "session", "rollback", "warnings"},
        check=lambda d, ids: d["credentials"] == len(ids) or pytest.fail("status counts the credentials"),
    ),
    Contract(
        ["expiring", "--as-of", "2026-01-01", "--within", "30d", "--json"],
        "expiring",
        {"as_of", "within_days", "until", "renewal_hours_per_week", "credentials"},
        items={"credentials": {"id", "title", "issuer", "expires", "days_left", "status", "renewal",
                               "renewal_route", "renewal_routes", "renewal_note", "renewal_opens", "revoked"}},
        check=_check_expiring,
    ),
    Contract(
        ["doctor", "--json"],
        "doctor",
        {"ok", "problems", "warnings", "checks"},
        items={"checks": {"check", "status", "message", "fix"}},
    ),
    Contract(
        ["doctor", "--reread", "--dry-run", "--json"],
        "doctor",
        {"ok", "problems", "warnings", "checks", "reread"},
        items={"checks": {"check", "status", "message", "fix"}},
        check=_check_reread,
    ),
    Contract(["config", "show", "--json"], "config", {"path", "exists", "config", "defaults"}, needs_wallet=False),
    Contract(["config", "get", "paper", "--json"], "config-value", {"key", "value"}, needs_wallet=False),
    Contract(["config", "path", "--json"], "config-path", {"path", "exists"}, needs_wallet=False),
    # commands written in other issues, pinned as the issues name them
    Contract(
        ["verify", "--all", "--json"],
        "verify",
        {"results"},
        items={"results": {"source", "verdict", "checks", "details"}},
        check=lambda d, ids: _check_verify(d, ids),
        exit_codes=(0, int(ExitCode.NOT_VERIFIED)),
    ),
    Contract(["pathways", "list", "--json"], "pathways", {"pathways"}, items={"pathways": {"id", "name"}},
             needs_wallet=False),
    Contract(
        ["pathways", "show", "{pathway}", "--json"],
        "pathway",
        {"pathway"},
        check=lambda d, ids: {"id", "name"} <= set(d["pathway"]) or pytest.fail("pathway has id and name"),
        needs_wallet=False,
    ),
    Contract(
        ["stack", "--goal", "{pathway}", "--json"],
        "stack",
        {"goal", "status", "progress", "missing", "exact", "destination_held"},
        check=_check_stack,
    ),
    Contract(
        ["stack", "--goal", "{pathway}", "--next", "--tradeoff", "--hours-per-week", "6", "--json"],
        "stack",
        {"goal", "status", "next", "pareto"},
        check=lambda d, ids: None if all({"cost", "hours", "weeks", "waiting_weeks", "steps", "objective",
                                          "within_constraints"} <= set(p) for p in [d["next"], *d["pareto"]])
        else pytest.fail("every plan has cost, hours, weeks, waiting_weeks, steps, objective, within_constraints"),
    ),
    Contract(["stack", "--json"], "stack-ranking", {"pathways"},
             items={"pathways": {"goal", "name", "status", "progress", "missing", "exact"}}),
    Contract(["offerings", "list", "--json"], "offerings", {"offerings"}, needs_wallet=False),
    Contract(["skills", "--json"], "skills", {"skills", "attribution"}),
    Contract(["profile", "show", "--json"], "profile", {"profile", "complete"}),
    Contract(["documents", "list", "--json"], "documents", {"count", "documents", "anchors"}),
]


def registered_commands() -> set[str]:
    return {path for path, _help, _group in completion_gen.iter_commands()}


@pytest.fixture
def wallet_ids(passphrase) -> dict[str, str]:
    wallet = Wallet.init(paths.wallet_home(), passphrase)
    ids = {}
    try:
        for title, expires in (("First Aid", datetime(2026, 1, 20, tzinfo=timezone.utc)), ("BSc Computing", None)):
            cred = Credential(
                format="ob3",
                original=json.dumps({"name": title}).encode(),
                credential_id=f"urn:example:{title}",
                title=title,
                issuer=Issuer(id="https://issuer.example/", name="Example Institute"),
                issued=datetime(2024, 1, 1, tzinfo=timezone.utc),
                expires=expires,
                skills=[Skill(name="Teamwork")],
            )
            ids[title] = wallet.add_credential(cred)[0]
    finally:
        wallet.close()
    return ids


def _first_pathway(capsys) -> str:
    if run(["pathways", "list", "--json"]) != 0:
        pytest.fail("pathways list --json failed")
    pathways = json.loads(capsys.readouterr().out)["pathways"]
    if not pathways:
        pytest.fail("no pathway to stack against")
    return pathways[0]["id"]


@pytest.mark.parametrize("contract", CONTRACTS, ids=lambda c: " ".join(a for a in c.args if a != "--json"))
def test_json_contract(contract: Contract, request, capsys):
    if contract.command not in registered_commands():
        pytest.skip(f"`skillwallet {contract.command}` is not registered yet")
    ids = request.getfixturevalue("wallet_ids") if contract.needs_wallet else {}
    args = []
    for arg in contract.args:
        if arg == "{pathway}":
            arg = _first_pathway(capsys)
        elif arg.startswith("{"):
            arg = ids[arg[1:-1]]
        args.append(arg)
    code = run(args)
    captured = capsys.readouterr()
    assert code in contract.exit_codes, captured.err
    document = json.loads(captured.out)  # exactly one JSON document on stdout, nothing else
    assert document["schema"] == f"skillwallet/{contract.kind}"
    assert document["version"] == 1
    assert list(document)[:2] == ["schema", "version"]
    missing = contract.required - set(document)
    assert not missing, f"missing members: {sorted(missing)}"
    for member, item_members in contract.items.items():
        assert isinstance(document[member], list), member
        for item in document[member]:
            lost = item_members - set(item)
            assert not lost, f"{member}[] item missing {sorted(lost)}"
    if contract.check:
        contract.check(document, ids)


@pytest.mark.parametrize(
    "contract", [c for c in CONTRACTS if c.needs_wallet], ids=lambda c: " ".join(a for a in c.args if a != "--json")
)
def test_json_output_carries_the_warnings_printed_on_stderr(contract: Contract, request, capsys):
    """A wallet with history and no rollback record (docs/store.md, "Rollback"): the `warning:` line on stderr is
    also in the JSON, as the optional `warnings` list of strings (doctor keeps its count, and lists the check)."""
    if contract.command not in registered_commands():
        pytest.skip(f"`skillwallet {contract.command}` is not registered yet")
    ids = request.getfixturevalue("wallet_ids")
    (record,) = (paths.state_dir() / "seen").glob("*.json")
    record.unlink()
    args = [_first_pathway(capsys) if a == "{pathway}" else ids[a[1:-1]] if a.startswith("{") else a
            for a in contract.args]
    code = run(args)
    captured = capsys.readouterr()
    assert code in contract.exit_codes, captured.err
    document = json.loads(captured.out)
    assert list(document)[:2] == ["schema", "version"] and document["version"] == 1
    printed = [line.removeprefix("warning: ") for line in captured.err.splitlines() if line.startswith("warning:")]
    assert len(printed) == 1 and "restore --trust-current" in printed[0], captured.err
    if contract.kind == "doctor":
        assert isinstance(document["warnings"], int)
        assert any(c["check"] == "rollback" and c["status"] == "warning" for c in document["checks"])
    elif contract.kind == "stack":  # its own `warnings` are objects: the wallet's come as kind "wallet"
        assert [w["message"] for w in document["warnings"] if w["kind"] == "wallet"] == printed
    else:
        assert document["warnings"] == printed


def json_commands() -> set[str]:
    """Every registered command that takes `--json`."""
    found = set()

    def walk(command, prefix: str) -> None:
        for name, sub in (getattr(command, "commands", None) or {}).items():
            path = f"{prefix} {name}".strip()
            if any("--json" in getattr(p, "opts", []) for p in getattr(sub, "params", [])):
                found.add(path)
            walk(sub, path)

    walk(typer.main.get_command(app), "")
    return found


# Commands whose --json is not a read (they print what they did); they still use emit_json, pinned in their own tests.
WRITE_COMMANDS_WITH_JSON = {"init", "unlock", "add", "export", "backup", "restore", "pathways import"}


def test_every_json_command_has_a_contract():
    covered = {c.command for c in CONTRACTS}
    uncovered = json_commands() - covered - WRITE_COMMANDS_WITH_JSON
    assert not uncovered, f"add a Contract in tests/test_json_contracts.py for: {', '.join(sorted(uncovered))}"


@pytest.mark.parametrize("command", ["list", "show", "status", "expiring", "doctor", "config show", "config get",
                                     "config path", "verify", "pathways list", "pathways show", "stack", "skills", "profile show",
                                     "offerings list", "documents list"])
def test_read_commands_offer_json(command):
    if command not in registered_commands():
        pytest.skip(f"`skillwallet {command}` is not registered yet")
    assert command in json_commands(), f"`skillwallet {command}` must take --json"


def test_add_json_marks_a_different_document_with_a_stored_id_as_conflict(passphrase, capsys, tmp_path):
    """`add --json`: another document with the id of a stored credential is a `conflict` (not `present`), with its
    reason; `add --replace --json` reports it `replaced`."""
    sample = Path(paths.__file__).parent / "data" / "samples" / "python-fundamentals.json"
    Wallet.init(paths.wallet_home(), passphrase).close()
    assert run(["add", "--offline", str(sample)]) == 0
    other = json.loads(sample.read_text())
    other["name"] = "Python Mastery"  # same id and issuer, other content (its proof no longer matches)
    (tmp_path / "other.json").write_text(json.dumps(other))
    capsys.readouterr()

    code = run(["add", "--json", "--offline", str(tmp_path / "other.json")])
    document = json.loads(capsys.readouterr().out)
    assert code == ExitCode.EXISTS
    assert document["summary"] == {"added": 0, "present": 0, "conflict": 1, "replaced": 0, "rejected": 0, "supporting": 0}
    (result,) = document["results"]
    assert result["status"] == "conflict" and result["verdict"] == "invalid"
    assert result["reason"].startswith("a different document with id ")
    assert "kept the stored one; `add --replace` to take the new one" in result["reason"]

    code = run(["add", "--json", "--offline", "--replace", str(tmp_path / "other.json")])
    document = json.loads(capsys.readouterr().out)
    assert code == 0
    assert document["summary"]["replaced"] == 1
    assert [r["status"] for r in document["results"]] == ["replaced"]


def test_add_json_shape_is_pinned(passphrase, capsys):
    """`add --json` (a write that reports): summary counts and one result per input, in a fixed shape."""
    sample_dir = Path(paths.__file__).parent / "data" / "samples"
    Wallet.init(paths.wallet_home(), passphrase).close()
    sample = sample_dir / "python-fundamentals.json"
    code = run(["add", "--json", "--offline", str(sample), str(sample_dir / "cloud-practitioner-badge.png"),
                str(sample_dir / "cloud-practitioner.json")])
    document = json.loads(capsys.readouterr().out)
    assert code == 0
    assert list(document)[:2] == ["schema", "version"]
    assert document["schema"] == "skillwallet/add" and document["version"] == 1
    assert document["summary"] == {"added": 2, "present": 1, "conflict": 0, "replaced": 0, "rejected": 0, "supporting": 0}
    assert [r["status"] for r in document["results"]] == ["added", "added", "present"]
    for result in document["results"]:
        assert {"source", "status", "id", "title", "issuer", "format", "verdict", "parent_id", "reason",
                "notes"} <= set(result)
    assert document["results"][0]["verdict"] == "verified"


def test_verify_presentation_row_shape_is_pinned(tmp_path, capsys):
    """`verify FILE --json` on a presentation: a row of kind `presentation` with its own checks, then one row per
    credential it carries."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from skillwallet.verify.data_integrity import sign_data_integrity

    def did_key(key):
        import base58
        from cryptography.hazmat.primitives import serialization

        raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        multibase = "z" + base58.b58encode(b"\xed\x01" + raw).decode()
        return f"did:key:{multibase}", f"did:key:{multibase}#{multibase}"

    issuer_key, holder_key = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    (issuer, issuer_vm), (holder, holder_vm) = did_key(issuer_key), did_key(holder_key)
    credential = sign_data_integrity({
        "@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
        "issuer": issuer, "validFrom": "2024-01-01T00:00:00Z", "credentialSubject": {"id": holder},
    }, issuer_key, issuer_vm)
    vp = sign_data_integrity({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
                              "holder": holder, "verifiableCredential": [credential]},
                             holder_key, holder_vm, proof_purpose="authentication", challenge="n-1", domain="hr.example")
    path = tmp_path / "vp.json"
    path.write_text(json.dumps(vp), "utf-8")
    code = run(["verify", str(path), "--offline", "--challenge", "n-1", "--domain", "hr.example", "--json"])
    document = json.loads(capsys.readouterr().out)
    assert code == 0
    assert document["schema"] == "skillwallet/verify" and document["version"] == 1
    presentation, inner = document["results"]
    assert presentation["kind"] == "presentation" and inner["kind"] == "credential"
    assert {"source", "kind", "title", "verdict", "checks", "reasons", "details", "in_force"} <= set(presentation)
    assert {"signature", "holder_binding", "challenge", "domain", "proof_purpose", "expiry", "not_before",
            "status"} <= set(presentation["checks"])
    assert presentation["verdict"] == "verified" and presentation["checks"]["holder_binding"] == "pass"
    assert presentation["details"]["holder"] == holder
    assert presentation["details"]["presentation_format"] == "json-ld"


def test_resume_pdf_json_shapes_are_pinned(passphrase, tmp_path, capsys):
    """`export --resume --json` names the attached proof; `verify resume.pdf --json` adds `resume` to each row that a
    line of the resume shows (its title, page, wallet id, place in the proof and whether the proof backs it)."""
    sample_dir = Path(paths.__file__).parent / "data" / "samples"
    Wallet.init(paths.wallet_home(), passphrase).close()
    assert run(["add", "--offline", str(sample_dir / "python-fundamentals.json")]) == 0
    assert run(["profile", "set", "--name", "Ada Example"]) == 0
    capsys.readouterr()
    target = tmp_path / "resume.pdf"
    assert run(["export", "--resume", "-o", str(target), "--json", "--challenge", "n-1", "--domain", "hr.example"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["schema"] == "skillwallet/export"
    assert set(document["proof"]) == {"attachment", "credentials", "skipped", "challenge", "domain"}
    assert document["proof"]["attachment"] == "verifiable-presentation.json"
    code = run(["verify", str(target), "--offline", "--json", "--challenge", "n-1", "--domain", "hr.example"])
    document = json.loads(capsys.readouterr().out)
    assert code == 0
    presentation, line = document["results"]
    assert presentation["kind"] == "presentation" and line["kind"] == "credential"
    assert set(line["resume"]) == {"title", "page", "wallet_id", "proof_index", "match"}
    assert line["resume"]["match"] == "pass" and line["resume"]["proof_index"] == 1


def test_verify_json_names_a_supplied_context_with_its_sha256(tmp_path, capsys):
    """`details.documents` of a verdict read with a context the user supplied: kind "context" and its SHA-256;
    `checks.contexts` says "supplied by you"."""
    import hashlib

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from skillwallet.verify import data_integrity, jsonld
    from skillwallet.verify.keys import did_key_from_public_key

    url = "https://example.edu/contexts/contract-v1.jsonld"
    context = json.dumps({"@context": {"grade": "https://example.edu/vocab#grade"}}).encode()

    class Published:
        def user_context(self, asked: str):
            return context if asked == url else None

    key = Ed25519PrivateKey.generate()
    did = did_key_from_public_key(key.public_key())
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2", url], "type": ["VerifiableCredential"],
        "issuer": did, "validFrom": "2024-01-01T00:00:00Z", "credentialSubject": {"id": "did:example:x", "grade": "A"},
    }
    with jsonld.user_contexts(Published()):
        signed = data_integrity.sign_data_integrity(document, key, f"{did}#{did.removeprefix('did:key:')}")
    (tmp_path / "c.json").write_text(json.dumps(signed))
    (tmp_path / "ctx.jsonld").write_bytes(context)
    assert run(["verify", "--json", "--offline", f"--document={url}={tmp_path / 'ctx.jsonld'}",
                str(tmp_path / "c.json")]) == 0
    (result,) = json.loads(capsys.readouterr().out)["results"]
    assert result["checks"]["contexts"] == "supplied by you"
    assert result["details"]["documents"] == [
        {"url": url, "source": "supplied", "stored_at": None, "kind": "context",
         "sha256": hashlib.sha256(context).hexdigest()}
    ]


def test_verify_json_pins_the_certificate_chain_of_an_x5c_verdict(tmp_path, capsys):
    """`details.certificate_chain` of a verdict that rests on an X.509 chain: the leaf's subject, the chain up to
    the trust anchor, the anchor (subject, source, sha256) and `revocation` "not checked" (no CRL / OCSP)."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent / "verify"))
    from test_x509_chains import ISSUER, sd_jwt_vc
    from x509_helpers import pki

    chain = pki(ISSUER)
    (tmp_path / "pid.sd-jwt").write_text(sd_jwt_vc(chain.x5c, chain.leaf_key))
    (tmp_path / "root.pem").write_bytes(chain.root_pem())
    assert run(["verify", "--json", "--offline", "--as-of", "2026-06-01", "--trust-anchor", str(tmp_path / "root.pem"),
                str(tmp_path / "pid.sd-jwt")]) == 0
    (result,) = json.loads(capsys.readouterr().out)["results"]
    record = result["details"]["certificate_chain"]
    assert set(record) == {"certificate", "chain", "trust_anchor", "revocation"}
    assert set(record["trust_anchor"]) == {"subject", "source", "sha256"}
    assert record["revocation"] == "not checked" and isinstance(record["chain"], list)


def test_verify_json_revocation_shape_is_pinned(tmp_path, capsys, monkeypatch):
    """`details.revocation` of a verdict whose X.509 chain was checked against CRLs: `checked` (every certificate
    below the anchor on no current CRL), one entry per certificate (leaf first) with its status and the CRL that
    settled it, and the CRLs ignored with their reasons."""
    monkeypatch.syspath_prepend(str(Path(__file__).parent / "verify"))
    from crl_helpers import LEAF_CRL_URL, ROOT_CRL_URL, crl, seal_pki
    from cryptography import x509
    from test_wild_verdicts import EDC, jades
    from x509_helpers import der_b64

    chain = seal_pki()
    (tmp_path / "root.pem").write_bytes(chain.root_pem())
    listed = ((chain.leaf, datetime(2026, 2, 1, tzinfo=timezone.utc), x509.ReasonFlags.key_compromise),)
    (tmp_path / "leaf.crl").write_bytes(crl("Test Issuing CA", chain.intermediate_key, listed))
    (tmp_path / "root.crl").write_bytes(crl("Test Root CA", chain.root_key))
    envelope = jades(EDC, [der_b64(chain.leaf), der_b64(chain.intermediate)], chain.leaf_key)
    (tmp_path / "edc.jsonld").write_text(json.dumps(envelope))
    run(["verify", "--json", "--offline", "--as-of", "2026-06-01", "--trust-anchor", str(tmp_path / "root.pem"),
         "--document", f"{LEAF_CRL_URL}={tmp_path / 'leaf.crl'}", "--document", f"{ROOT_CRL_URL}={tmp_path / 'root.crl'}",
         str(tmp_path / "edc.jsonld")])
    (result,) = json.loads(capsys.readouterr().out)["results"]
    revocation = result["details"]["revocation"]
    assert set(revocation) == {"checked", "certificates", "ignored"}
    assert revocation["checked"] is False and revocation["ignored"] == []
    leaf, issuing_ca = revocation["certificates"]
    assert set(leaf) == {"subject", "status", "crl", "revoked_at", "reason_code"}
    assert (leaf["status"], leaf["revoked_at"], leaf["reason_code"]) == ("revoked", "2026-02-01T00:00:00Z", "keyCompromise")
    assert set(issuing_ca) == {"subject", "status", "crl"} and issuing_ca["status"] == "good"
    assert set(issuing_ca["crl"]) == {"issuer", "source", "url", "this_update", "next_update", "sha256"}
    assert issuing_ca["crl"]["source"] == "supplied" and issuing_ca["crl"]["url"] == ROOT_CRL_URL
