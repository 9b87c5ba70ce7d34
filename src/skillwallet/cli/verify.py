"""The `verify` command: check stored credentials, credential files and presentations."""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, List, Optional

import typer

from skillwallet.cli.completion import complete_credential_id
from skillwallet.cli.common import emit_json, info, parse_as_of, progress

#: From this many Data Integrity credentials on, canonicalisation runs in a process pool.
POOL_THRESHOLD = 24
POOL_WORKERS = 2


def _read_target(path: Path) -> bytes:
    from skillwallet.errors import InvalidInputError

    try:
        return path.read_bytes()
    except OSError as exc:
        raise InvalidInputError(f"cannot read {path}: {exc.strerror or exc}") from None


def _refuse_missing_file(target: str) -> None:
    """A target that is not a file is taken as a wallet id, unless it cannot be one: a wallet id is hex, so a
    folder or a name with a path separator, a dot or a ``~`` was meant as a file. Saying so beats "no wallet"
    (for an employer who has none) or "no credential with id" for a mistyped file name."""
    from skillwallet.errors import InvalidInputError

    import re

    if re.fullmatch(r"[0-9a-fA-F]+", target):  # may be an id prefix, even if a folder has that name too
        return
    path = Path(target).expanduser()
    if path.is_dir():
        raise InvalidInputError(f"cannot verify {target}: it is a folder",
                                "give the files in it, e.g. skillwallet verify FOLDER/*.json")
    if path.exists():
        raise InvalidInputError(f"cannot verify {target}: not a regular file")
    if os.path.lexists(path) or any(mark in target for mark in ("/", os.sep, ".", "~")):  # never in an id
        raise InvalidInputError(f"no such file: {target}", "give an existing file, or a wallet id from skillwallet list")


def _parse_file(data: bytes, source: str):
    from skillwallet.errors import InvalidInputError, SkillwalletError

    try:
        from skillwallet.formats import parse_credential_bytes
    except ImportError:  # pragma: no cover - the importers ship with the package
        parse_credential_bytes = None
    if parse_credential_bytes is not None:
        try:
            return parse_credential_bytes(data, source=source)
        except SkillwalletError:
            raise
        except Exception as exc:  # noqa: BLE001 - a parser bug: this file's result, not the end of the batch
            raise InvalidInputError(f"{source}: could not be read (the parser failed: {type(exc).__name__})") from None
    from skillwallet.verify.verifier import credential_from_document

    try:
        doc = json.loads(data)
    except ValueError:
        raise InvalidInputError(f"{source}: not a credential") from None
    return [credential_from_document(doc, data)]


def _presented_titles(document: dict[str, Any], count: int) -> list[Optional[str]]:
    """The title of each credential a presentation holds, in order, read by the same importers as ``add`` (as a
    resume's proof entries are): a reader of the rows sees which credential each verdict is about. A title is the
    credential's own claim, shown beside its verdict like any other credential's."""
    from skillwallet.export.pdfcheck import entry_facts

    items = document.get("verifiableCredential") if isinstance(document, dict) else None
    items = [] if items is None else (items if isinstance(items, list) else [items])
    titles = [entry_facts(item)[0] for item in items] if len(items) == count else []
    return titles or [None] * count


def _result(source: str, title: Optional[str], verdict, kind: str = "credential") -> dict[str, Any]:
    out = {"source": source, "kind": kind, "title": title}
    out.update(verdict.to_dict())
    out["in_force"] = verdict.in_force
    return out


def _mark_trusted_issuers(results: list[dict[str, Any]]) -> None:
    """Add the ``issuer_trusted`` check when the config lists ``trusted_issuers``.

    ``verified`` binds the key to the issuer *id*; whether that id is the institution its name claims is the
    holder's (or employer's) judgement. With a trusted list: ``pass`` for a listed issuer, ``unknown`` for a
    verified credential from anyone else, ``na`` where the signature did not establish the issuer at all.
    Informational: it does not change the verdict or the exit code.
    """
    from skillwallet.config import load_config
    from skillwallet.errors import SkillwalletError
    from skillwallet.model import VERDICT_VERIFIED

    try:
        trusted = {t.rstrip("/") for t in load_config().trusted_issuers}
    except SkillwalletError:
        return  # a broken config is reported by `skillwallet config show` / `doctor`, not here
    if not trusted:
        return
    for result in results:
        if result["kind"] != "credential":
            continue
        issuer = result["details"].get("issuer")
        if result["verdict"] != VERDICT_VERIFIED or not isinstance(issuer, str):
            result["checks"]["issuer_trusted"] = "na"
            continue
        # A status list may be signed by another party than the credential (Bitstring Status List v1.0
        # §2.2); its answer is that party's word, so that party must be trusted too.
        list_issuers = [
            e["list_issuer"]
            for e in result["details"].get("status_entries") or []
            if isinstance(e, dict) and isinstance(e.get("list_issuer"), str) and e.get("status") in ("pass", "revoked", "suspended")
        ]
        untrusted = [i for i in dict.fromkeys([issuer, *list_issuers]) if i.rstrip("/") not in trusted]
        if not untrusted:
            result["checks"]["issuer_trusted"] = "pass"
            continue
        result["checks"]["issuer_trusted"] = "unknown"
        for other in untrusted:
            what = "the issuer" if other == issuer else "the status list's issuer"
            result["reasons"].append(f"{what} {other} is not in your trusted_issuers")


#: Verdicts and cache entries are written in batches of this many: one fsync-ed transaction per batch
#: instead of two per credential (a transaction costs ~20 ms on a typical disk, verification ~3 ms).
WRITE_BATCH = 100


class _DeferredWallet:
    """The wallet as the verifier sees it: reads go to the wallet, cache writes wait for :meth:`flush`."""

    def __init__(self, wallet) -> None:
        self.wallet = wallet
        self.pending: dict[tuple[str, str], Any] = {}
        self.verdicts: list[tuple[str, Any, str | None]] = []

    def get(self, collection: str, key: str) -> Any:
        if (collection, key) in self.pending:
            return self.pending[(collection, key)]
        return self.wallet.get(collection, key)

    def put(self, collection: str, key: str, value: Any) -> None:
        self.pending[(collection, key)] = value

    def set_verdict(self, wallet_id: str, verdict, sha256: str | None = None) -> None:
        self.verdicts.append((wallet_id, verdict, sha256))

    def flush(self) -> None:
        """Write what is pending in one transaction (the store's ``batch()``), else one write each."""
        if not self.pending and not self.verdicts:
            return
        batch = getattr(self.wallet, "batch", None)
        if batch is not None:
            with batch() as writer:
                for (collection, key), value in self.pending.items():
                    writer.put(collection, key, value)
                for wallet_id, verdict, sha256 in self.verdicts:
                    # False if removed or replaced meanwhile: the verdict is about bytes no longer stored
                    writer.set_verdict(wallet_id, verdict, sha256=sha256)
        else:  # a store without batch writes
            for (collection, key), value in self.pending.items():
                self.wallet.put(collection, key, value)
            for wallet_id, verdict, sha256 in self.verdicts:
                self.wallet.set_verdict(wallet_id, verdict, sha256=sha256)
        self.pending.clear()
        self.verdicts.clear()


def _unreadable_verdict(message: str):
    from skillwallet.model import VERDICT_INVALID, Verdict

    return Verdict(
        verdict=VERDICT_INVALID,
        checks={"format": "fail", "signature": "unknown", "expiry": "na", "not_before": "na", "status": "na"},
        reasons=[message],
        checked_at=datetime.now(timezone.utc),
    )


def _failed_verdict(exc: Exception):
    """The verdict of a credential whose verification raised (a verifier bug): one result, the batch goes on."""
    from skillwallet.model import VERDICT_UNVERIFIABLE, Verdict

    return Verdict(
        verdict=VERDICT_UNVERIFIABLE,
        checks={"signature": "unknown", "expiry": "na", "not_before": "na", "status": "na"},
        reasons=[f"verification failed internally ({type(exc).__name__})"],
        checked_at=datetime.now(timezone.utc),
    )


def _precompute(credentials: list, wallet=None) -> list[dict[str, str] | None]:
    """Canonical hashes for a large batch, computed on every core (the expensive step is RDF canonicalisation).

    Credentials whose hashes the wallet already caches are skipped. The first document is canonicalised here
    before the pool starts, so forked workers inherit the imported libraries and processed contexts.
    """
    from skillwallet.verify.data_integrity import precompute_canonical_hashes
    from skillwallet.verify.verifier import VERIFY_CACHE, cache_key

    documents = []
    for cred in credentials:
        if wallet is not None:
            try:
                if wallet.get(VERIFY_CACHE, cache_key(cred)) is not None:
                    documents.append(None)
                    continue
            except Exception:  # an unreadable cache entry: compute afresh
                pass
        text = cred.original.lstrip()
        doc = None
        if text.startswith(b"{"):
            try:
                doc = json.loads(cred.original)
            except ValueError:
                doc = None
        documents.append(doc if isinstance(doc, dict) and doc.get("proof") is not None else None)
    todo = [i for i, d in enumerate(documents) if d is not None]
    results: list[dict[str, str] | None] = [None] * len(credentials)
    workers = min(POOL_WORKERS, os.cpu_count() or 1)
    if len(todo) < POOL_THRESHOLD or workers < 2:
        return results
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    first = todo.pop(0)
    results[first] = precompute_canonical_hashes(documents[first])  # warm the caches the workers inherit

    try:
        context = multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            chunk = max(1, len(todo) // (workers * 4))
            for index, hashes in zip(todo, pool.map(precompute_canonical_hashes, [documents[i] for i in todo], chunksize=chunk)):
                results[index] = hashes
    except (OSError, RuntimeError):
        # no process pool here (sandbox, resource limits): the verifier canonicalises in-process
        return [None] * len(credentials)
    return results


def verify_command(
    targets: Optional[List[str]] = typer.Argument(None, metavar="ID|FILE", help="Wallet ids (or prefixes) or files to check.", autocompletion=complete_credential_id),
    all_: bool = typer.Option(False, "--all", help="Check every credential in the wallet."),
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON."),
    offline: Optional[bool] = typer.Option(
        None, "--offline/--online", help="Never touch the network (default: the 'offline' config setting)."
    ),
    documents: Optional[List[str]] = typer.Option(
        None, "--document", metavar="URL=FILE", help="Use FILE as the document at URL (DID document, status list...). Repeatable."
    ),
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="DATE", help="Evaluate validity and status on this date."),
    trust_anchors: Optional[List[str]] = typer.Option(
        None, "--trust-anchor", metavar="FILE", help="Trust this CA certificate (PEM or DER) for x5c / JAdES chains. Repeatable."
    ),
    challenge: Optional[str] = typer.Option(
        None, "--challenge", metavar="NONCE", help="Presentations: the challenge the holder's proof must carry."
    ),
    domain: Optional[str] = typer.Option(
        None, "--domain", metavar="DOMAIN", help="Presentations: the domain the holder's proof must carry."
    ),
    report: Optional[str] = typer.Option(
        None, "--report", metavar="FILE", help="Also write a verification report to file: .html or .pdf."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite the --report FILE if it exists."),
) -> None:
    """Verify credentials: signatures, issuer keys, validity dates and revocation status.

    Give wallet ids, credential files (not yet added), a Verifiable Presentation file, a resume PDF, or --all.
    A resume PDF is checked with its attached proof, line by line (or by its QR codes when it has none).
    Exits 0 when every credential is verified, in force and not of unknown status; 13 otherwise.

    \b
    Examples:
      skillwallet verify --all
      skillwallet verify 3f2a9c1 --online
      skillwallet verify ~/Downloads/badge.json \\
          --document https://issuer.example/status/1=status-1.json
      skillwallet verify resume.pdf --report verification-report.html
      skillwallet verify vp.json --challenge NONCE --domain hr.example.com
    """
    from skillwallet.errors import InvalidInputError, NotVerifiedError, OperationInterrupted, UsageError
    from skillwallet.formats import read_presentation
    from skillwallet.model import VERDICT_VERIFIED
    from skillwallet.verify.resolver import DocumentResolver, parse_document_options, parse_trust_anchor_options
    from skillwallet.verify.verifier import unrequested_audience_note, verify_credential, verify_presentation

    targets = list(targets or [])
    if not targets and not all_:
        raise UsageError("nothing to verify", "give credential ids or files, or --all")
    report_kind = _report_kind(report) if report is not None else None
    if report is not None and Path(report).expanduser().is_dir():
        from skillwallet.errors import StorageIOError

        raise StorageIOError(f"cannot write {report}: it is a folder", "give a file name, e.g. --report report.html")
    if report is not None and os.path.lexists(Path(report).expanduser()) and not force:
        # as `export` does: a report never replaces a file silently (`--report resume.pdf` would destroy the
        # resume being checked)
        from skillwallet.errors import AlreadyExistsError

        raise AlreadyExistsError(f"{report} exists; nothing written",
                                 "add --force to overwrite it, or choose another --report FILE")
    if report is not None:
        # before any verification: a report that cannot be written would otherwise end a whole run with exit 12
        from skillwallet.store.fsutil import check_output_folder

        check_output_folder(report)
    when = parse_as_of(as_of)
    record = as_of is None  # a verdict computed for another date is not the credential's current verdict
    supplied = parse_document_options(documents or [])
    anchors = parse_trust_anchor_options(trust_anchors or [])
    if offline is None:
        try:
            from skillwallet.config import load_config

            offline = load_config().offline
        except Exception:
            offline = True

    file_targets = [t for t in targets if Path(t).expanduser().is_file()]
    id_targets = [t for t in targets if t not in file_targets]
    for target in id_targets:
        _refuse_missing_file(target)
    results: list[dict[str, Any]] = []

    wallet = None
    documents = None  # files only: the wallet opened on the first document lookup, if it can be
    status_cache: dict = {}  # status list credentials verified in this run, shared by every credential
    try:
        if id_targets or all_:
            from skillwallet.cli.session import open_wallet

            wallet = open_wallet()
        else:
            # Files only: the wallet is not needed, but its kept documents are used when it opens without asking
            # (and it is opened only when a document has to be looked up there).
            from skillwallet.cli.session import WalletWhenNeeded

            documents = WalletWhenNeeded()
        resolver = DocumentResolver(
            offline=offline, supplied=supplied, wallet=wallet if wallet is not None else documents, anchors=anchors
        )

        # ---- files (and presentations) ------------------------------------------------------------
        for target in file_targets:
            path = Path(target).expanduser()
            data = _read_target(path)
            from skillwallet.formats.detect import is_pdf

            if is_pdf(data):
                results.extend(_check_pdf(data, target, resolver, when, challenge, domain, status_cache))
                continue
            # the one decision of what is a presentation, shared with `add` (skillwallet.formats)
            vp = read_presentation(data)
            if vp is not None:
                vp_verdict, inner = verify_presentation(vp, resolver=resolver, as_of=when, challenge=challenge, domain=domain)
                note = unrequested_audience_note(vp, challenge, domain)
                if note:
                    vp_verdict.reasons.append(note)
                results.append(_result(target, None, vp_verdict, kind="presentation"))
                titles = _presented_titles(vp.document, len(inner))
                for number, (verdict, title) in enumerate(zip(inner, titles), 1):
                    results.append(_result(f"{target}#{number}", title, verdict))
                continue
            try:
                credentials = _parse_file(data, target)
            except InvalidInputError as exc:
                # one unreadable file is a result of its own, not the end of the batch; its source is printed
                # beside the reason already
                message = exc.message.removeprefix(f"{target}: ")
                results.append(_result(target, None, _unreadable_verdict(message)))
                continue
            if any(cred.extra.get("from_presentation") for cred in credentials):
                # the parser found a presentation the reader did not: never let its credentials stand alone
                unchecked = _unreadable_verdict("a presentation skillwallet could not check")
                results.append(_result(target, None, unchecked, kind="presentation"))
            for number, cred in enumerate(credentials, 1):
                source = target if len(credentials) == 1 else f"{target}#{number}"
                try:
                    verdict = verify_credential(cred, resolver=resolver, as_of=when, status_cache=status_cache)
                except Exception as exc:  # noqa: BLE001 - a verifier bug: this credential's result only
                    verdict = _failed_verdict(exc)
                results.append(_result(source, cred.title, verdict))

        # ---- stored credentials -------------------------------------------------------------------
        if wallet is not None:
            from skillwallet.store.wallet import document_sha256

            if all_:
                stored = wallet.list_credentials()
            else:
                stored = [wallet.get_credential(t) for t in id_targets]
            with progress(len(stored), "Verifying") as bar:  # on a terminal only (stderr)
                task = bar.add_task("Verifying", total=len(stored))
                precomputed = _precompute([s.credential for s in stored], wallet)
                deferred = _DeferredWallet(wallet)
                before = len(results)
                try:
                    for number, (item, hashes) in enumerate(zip(stored, precomputed), 1):
                        try:
                            verdict = verify_credential(
                                item.credential, resolver=resolver, as_of=when, wallet=deferred,
                                canonical_cache=hashes, status_cache=status_cache,
                            )
                        except Exception as exc:  # noqa: BLE001 - a verifier bug: this credential's result only
                            verdict = _failed_verdict(exc)
                        if record:
                            deferred.set_verdict(item.wallet_id, verdict, document_sha256(item.credential.original))
                        results.append(_result(item.wallet_id, item.credential.title, verdict))
                        bar.advance(task)
                        if number % WRITE_BATCH == 0:
                            deferred.flush()
                except KeyboardInterrupt:
                    # verifying changes no credential; the verdicts found so far are kept (one transaction)
                    deferred.flush()
                    raise OperationInterrupted(
                        f"{len(results) - before:,} of {len(stored):,} checked, nothing lost",
                        "run the same command again to check them all",
                    ) from None
                deferred.flush()
    finally:
        if wallet is not None:
            wallet.close()
        if documents is not None:
            documents.close()

    _mark_trusted_issuers(results)
    if not results and not as_json:
        # `verify --all` on an empty wallet: say so, rather than print a table with no rows
        info("nothing to verify: the wallet holds no credentials yet (add some with: skillwallet add FILE)")
        return
    if as_json:
        emit_json("verify", {"as_of": results[0]["details"].get("as_of") if results else None, "results": results})
    else:
        _render(results, every_credential=all_ and not file_targets)

    failing = [
        r
        for r in results
        if r["kind"] == "credential"
        and not (r["verdict"] == VERDICT_VERIFIED and r["in_force"] and r["checks"].get("status") in ("pass", "na"))
    ] + [r for r in results if r["kind"] == "presentation" and r["verdict"] != VERDICT_VERIFIED]
    if report is not None:
        _write_report(report, report_kind, results, targets, passed=not failing)
    hints = _what_to_do(failing, as_json, resolver)
    if challenge is not None or domain is not None:
        # a challenge / domain is a demand: met only by a verified presentation proof that carries it
        options = (("--challenge", challenge), ("--domain", domain))
        asked = " and ".join(name for name, value in options if value is not None)
        presented = [r for r in results if r["kind"] == "presentation"]
        if not any(r["verdict"] == VERDICT_VERIFIED for r in presented):
            raise NotVerifiedError(
                f"no presentation proof carrying the {asked} given verified",
                *(hints or ["the files checked hold no Verifiable Presentation"]),
            )
    if failing:
        raise NotVerifiedError(
            f"{len(failing)} of {len(results)} checked {'is' if len(failing) == 1 else 'are'} not verified and in force",
            *hints,
        )


def _report_kind(report: str) -> str:
    """``html`` or ``pdf`` from the --report file's extension (checked before any work is done)."""
    from skillwallet.errors import UsageError

    suffix = Path(report).suffix.lower()
    if suffix in (".html", ".htm"):
        return "html"
    if suffix == ".pdf":
        return "pdf"
    raise UsageError(f"--report {report}: write the report as .html or .pdf", "e.g. --report report.html")


def _write_report(report: str, kind: str | None, results: list[dict[str, Any]], targets: list[str], *,
                  passed: bool) -> None:
    from skillwallet.export.files import write_export
    from skillwallet.export.report import render_report_html, render_report_pdf

    render = render_report_pdf if kind == "pdf" else render_report_html
    data = render(results, target=", ".join(targets) or "the wallet", generated_at=datetime.now(timezone.utc),
                  passed=passed)
    path = write_export(report, data)
    info(f"wrote {path} (verification report)")


def _check_pdf(data: bytes, target: str, resolver, when, challenge, domain, status_cache) -> list[dict[str, Any]]:
    """A resume PDF: its attached presentation verified, each credential line matched to it (export/pdfcheck)."""
    from skillwallet.errors import InvalidInputError
    from skillwallet.export.pdfcheck import check_resume_pdf

    try:
        items = check_resume_pdf(data, source=target, resolver=resolver, as_of=when, challenge=challenge,
                                 domain=domain, status_cache=status_cache)
    except InvalidInputError as exc:
        return [_result(target, None, _unreadable_verdict(exc.message))]
    except Exception as exc:  # noqa: BLE001 - a reader or verifier bug: this file's result, not the batch's end
        return [_result(target, None, _failed_verdict(exc))]
    out = []
    for item in items:
        result = _result(item.source, item.title, item.verdict, kind=item.kind)
        if item.resume is not None:
            result["resume"] = item.resume
        out.append(result)
    return out


def _what_to_do(failing: list[dict[str, Any]], as_json: bool, resolver=None) -> list[str]:
    """``hint:`` lines that say what to do about the failures; the reasons themselves were printed once, above
    the summary (or are in the JSON), and are not repeated here.

    A hint offers only what could change an outcome: ``--online`` only when this run was offline by choice (not
    forced by SKILLWALLET_OFFLINE, where the flag changes nothing) and something it would fetch was missing or
    answered from a stored copy; never for what skillwallet does not fetch at all (JSON-LD contexts, http URLs,
    DIDs of other methods than did:web, a status type it does not read, a Blockcerts anchor).
    """
    from skillwallet.verify.resolver import is_fetchable

    reasons = [reason for r in failing for reason in r["reasons"]]
    offline = resolver is None or resolver.offline
    forced = resolver is not None and resolver.forced_offline
    fetch = (
        "unset SKILLWALLET_OFFLINE and run again with --online to fetch it" if forced
        else "run again with --online to fetch it"
    )
    hints = []
    if any("JSON-LD context not available" in reason for reason in reasons):
        hints.append(
            "a JSON-LD context is never fetched: give a copy you trust with --document URL=FILE, or keep one with "
            "`skillwallet documents add URL FILE`"
        )
    missing = [r for r in reasons if "not available offline" in r and "JSON-LD context" not in r]
    online_helps = False
    if missing:
        # the resolver's own record of what it lacked, not the reasons' wording, says whether a fetch could help
        wanted = [url for url in (resolver.missed_offline if resolver is not None else []) if is_fetchable(url)]
        online_helps = any(url in reason for url in wanted for reason in missing)
        hints.append(
            "a document needed is not available offline: "
            + (f"{fetch}, give" if online_helps else "give")
            + " a copy with --document URL=FILE, or keep one with `skillwallet documents add URL FILE`"
        )
    if offline and not online_helps and any(_stored_status_copy(r) for r in failing):
        hints.append(f"the status list could not be checked with the copy stored earlier: {fetch} afresh")
    if any(r["checks"].get("anchor") == "unknown" and r["checks"].get("signature") != "fail" for r in failing):
        # blockcerts.py checks the hash and the Merkle path; nothing reads a blockchain or a Blockcerts
        # revocation list, with or without the network, so no option here changes a Blockcerts verdict
        hints.append(
            "a Blockcerts certificate stays unverifiable in skillwallet: its blockchain anchor and its issuer's "
            "revocation list are not checked, online or offline; a Blockcerts verifier that reads the blockchain "
            "can confirm it"
        )
    if as_json:  # the reasons went to stdout: one line each here, for the person watching stderr
        hints += [f"{r['source']}: {_state(r)}" + (f" ({r['reasons'][0]})" if r["reasons"] else "") for r in failing[:5]]
    elif failing:
        hints.append("the reason for each is printed above; `skillwallet verify --json` gives every check")
    return hints


def _stored_status_copy(result: dict[str, Any]) -> bool:
    """Whether ``result``'s status is unknown with a status list answered from a copy stored earlier (a fetch
    that is out of date, or a list that came inside an import): the one status problem a fresh fetch can solve.
    An unsupported status type, a list that does not verify, a list given with --document or kept with
    `documents add` (which win over any fetch) stay what they are online."""
    from skillwallet.verify.resolver import SOURCE_CACHE, SOURCE_IMPORTED

    if result["checks"].get("status") != "unknown":
        return False
    details = result.get("details") or {}
    entries = [e for e in details.get("status_entries") or [] if isinstance(e, dict)]
    token = details.get("token_status") if isinstance(details.get("token_status"), dict) else {}
    stored = (SOURCE_CACHE, SOURCE_IMPORTED)
    return any(e.get("status") == "unknown" and e.get("source") in stored for e in entries) or (
        token.get("source") in stored
    )


def _state(result: dict[str, Any]) -> str:
    """The verdict with what keeps the credential from being in force: ``verified, revoked``."""
    checks = result["checks"]
    parts = [result["verdict"]]
    if checks.get("status") in ("revoked", "suspended"):
        parts.append(checks["status"])
    elif checks.get("status") == "unknown":
        parts.append("status unknown")
    if checks.get("expiry") == "fail":
        parts.append("expired")
    if checks.get("not_before") == "fail":
        parts.append("not yet valid")
    return ", ".join(parts)


_CHECK_ORDER = (
    "signature", "issuer_binding", "holder_binding", "challenge", "domain", "proof_purpose", "undefined_terms",
    "contexts", "not_before", "expiry", "status",
)
_STYLE = {
    "verified": "green",
    "self-asserted": "yellow",
    "unsigned": "yellow",
    "unverifiable": "yellow",
    "invalid": "red",
}


# what a check's value says when it keeps a credential from being verified and in force, in words
_PROBLEM_WORDS = {("expiry", "fail"): "expired", ("not_before", "fail"): "not yet valid",
                  ("status", "revoked"): "revoked", ("status", "suspended"): "suspended"}
# on a narrow terminal the least telling checks are left out first (the problems column names every failure)
_CHECK_DROP = {"signature": 1, "status": 2, "expiry": 3, "not_before": 4, "issuer_binding": 5, "holder_binding": 6,
               "challenge": 7, "domain": 8, "proof_purpose": 9, "contexts": 10, "undefined_terms": 11}


def _problems(checks: dict[str, str], order: list[str]) -> str:
    """The checks that did not pass, in words (``expired, revoked, signature fail``); ``-`` when none."""
    words = [_PROBLEM_WORDS.get((name, checks[name]), f"{name.replace('_', ' ')} {checks[name]}")
             for name in order if checks.get(name) not in (None, "pass", "na", "-")]
    return ", ".join(words) or "-"


def _render(results: list[dict[str, Any]], *, every_credential: bool = False) -> None:
    """The results as a table; ``every_credential``: they cover the whole wallet (``--all``), so wallet ids may be
    shortened to a prefix unique among them."""
    from skillwallet.cli.common import (
        Column, Row, fit_columns, is_terminal, render_table, safe_text, stdout_console, unique_prefix_length,
    )

    extra = sorted({k for r in results for k in r["checks"]} - set(_CHECK_ORDER))
    columns = [c for c in _CHECK_ORDER if any(c in r["checks"] for r in results)] + extra
    rows = []
    for r in results:
        title = r["title"] or ("(presentation)" if r["kind"] == "presentation" else "")
        cells = [r["source"], title or "-", r["verdict"], _problems(r["checks"], columns),
                 *(r["checks"].get(c, "-") for c in columns)]
        rows.append(Row(cells, _STYLE.get(r["verdict"])))
    # On a terminal the table fits its width: wallet ids cut to a prefix that still resolves, file paths and
    # titles shortened, the per-check columns left out when narrow (the problems column names what failed).
    sources = [r["source"] for r in results]
    # a prefix unique among the results resolves only when they are the whole wallet; otherwise ids stay whole
    source = (Column("source", whole=True, prefix=unique_prefix_length(sources)) if every_credential
              else Column("source", shorten="start", min_width=16, ratio=2))
    head = [source, Column("title", shorten="end", min_width=24, ratio=3), "verdict"]
    every_check = [Column(c) for c in columns]
    if is_terminal(sys.stdout) and fit_columns([*head, *every_check], [[safe_text(c) for c in (row.cells[:3] + row.cells[4:])]
                                                                     for row in rows], stdout_console().width):
        # wide enough for every check: the problems column would only repeat them
        render_table([*head, *every_check], [Row(row.cells[:3] + row.cells[4:], row.style) for row in rows])
    else:
        render_table([*head, Column("problems", shorten="end", wrap=True, min_width=14, ratio=2, piped=False),
                      *(Column(c, drop=_CHECK_DROP.get(c, 12)) for c in columns)], rows)
    _print_reasons(results)


def _print_reasons(results: list[dict[str, Any]]) -> None:
    for r in results:
        for reason in r["reasons"]:
            info(f"{r['source']}: {reason}")
        for entry in r.get("details", {}).get("status_entries") or []:
            signer = entry.get("list_issuer") if isinstance(entry, dict) else None
            if signer and signer != r["details"].get("issuer") and entry.get("status") in ("pass", "revoked", "suspended"):
                # the spec lets another party sign the list; its answer is that party's word
                info(f"{r['source']}: status list {entry.get('list')} is signed by {signer}, not by the issuer")
        documents = r.get("details", {}).get("documents") or []
        if documents:
            info(f"{r['source']}: documents used: " + ", ".join(_document_origin(d) for d in documents))


def _document_origin(document: dict[str, Any]) -> str:
    """``URL (supplied)``, ``URL (cached 2026-05-01)``: where a document a verdict relied on came from."""
    stored = (document.get("stored_at") or "")[:10]
    source = document.get("source") or "?"
    if document.get("kind") == "context":  # the user's copy of a JSON-LD context: say which bytes
        source = f"{source} context, sha256 {document.get('sha256')}"
    return f"{document.get('url')} ({source}{' ' + stored if stored and not source.startswith('supplied') else ''})"


def register(app: typer.Typer) -> None:
    """Add this group's commands to ``app``."""
    app.command("verify")(verify_command)
