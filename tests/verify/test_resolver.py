"""The document resolver: offline policy, supplied documents, wallet cache, and real HTTPS fetches
against a local server with a throwaway certificate."""

from __future__ import annotations

import datetime
import hashlib
import http.server
import ipaddress
import json
import socket
import ssl
import threading
import urllib.request
from pathlib import Path

import pytest

from skillwallet.errors import DocumentUnavailableError, InvalidInputError, NotFoundError
from skillwallet.verify import resolver as resolver_module
from skillwallet.verify.resolver import (
    DocumentGoneError,
    DocumentResolver,
    did_web_to_url,
    document_record,
    normalize_document_url,
    parse_document_options,
)


class MemoryWallet:
    """The slice of the wallet API the resolver uses (get/put by collection and key)."""

    def __init__(self):
        self.data: dict[tuple[str, str], dict] = {}
        self.puts = 0

    def get(self, collection, key):
        try:
            return self.data[(collection, key)]
        except KeyError:
            raise NotFoundError(f"no {key}") from None

    def put(self, collection, key, value):
        self.puts += 1
        self.data[(collection, key)] = value


@pytest.fixture
def network_attempts(monkeypatch):
    """Make every way out to the network fail loudly; return the list of attempts."""
    attempts: list[str] = []

    def refuse(*args, **kwargs):
        attempts.append(repr(args[:2]))
        raise AssertionError("network access attempted")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


def test_offline_without_document_is_unavailable_and_touches_no_network(network_attempts):
    resolver = DocumentResolver(offline=True)
    with pytest.raises(DocumentUnavailableError) as info:
        resolver.fetch_json("https://issuer.example/status/1")
    assert "not available offline" in info.value.message
    assert any("--document https://issuer.example/status/1=FILE" in hint for hint in info.value.hints)
    assert network_attempts == [] and resolver.network_requests == 0


def test_offline_env_switch_overrides_online(network_attempts, monkeypatch):
    monkeypatch.setenv("SKILLWALLET_OFFLINE", "1")
    resolver = DocumentResolver(offline=False)
    assert resolver.offline
    with pytest.raises(DocumentUnavailableError):
        resolver.fetch("https://issuer.example/did.json")
    assert network_attempts == []


def test_supplied_documents_match_without_fragment(network_attempts):
    resolver = DocumentResolver(supplied={"https://Issuer.Example/keys#k1": b'{"id": "x"}'})
    assert resolver.fetch_json("https://issuer.example/keys#other") == {"id": "x"}
    assert resolver.source_of("https://issuer.example/keys") == "supplied"


def test_did_web_documents_can_be_supplied_under_the_did(network_attempts):
    resolver = DocumentResolver(supplied={"did:web:issuer.example": b'{"id": "did:web:issuer.example"}'})
    assert resolver.fetch_json("https://issuer.example/.well-known/did.json")["id"] == "did:web:issuer.example"


def test_not_json_and_not_object_are_unavailable(network_attempts):
    resolver = DocumentResolver(supplied={"https://a.example/x": b"<html>", "https://a.example/y": b"[1]"})
    with pytest.raises(DocumentUnavailableError, match="not JSON"):
        resolver.fetch_json("https://a.example/x")
    with pytest.raises(DocumentUnavailableError, match="not a JSON object"):
        resolver.fetch_json("https://a.example/y")


def test_wallet_documents_added_and_cached_offline(network_attempts):
    wallet = MemoryWallet()
    wallet.put("documents", "https://a.example/added", document_record("https://a.example/added", b'{"a": 1}', source="added"))
    wallet.put("documents", "https://a.example/cached", document_record("https://a.example/cached", b'{"c": 1}', source="fetched"))
    resolver = DocumentResolver(offline=True, wallet=wallet)
    assert resolver.fetch_json("https://a.example/added") == {"a": 1}
    assert resolver.source_of("https://a.example/added") == "kept"
    assert resolver.fetch_json("https://a.example/cached") == {"c": 1}
    assert resolver.source_of("https://a.example/cached") == "cached"
    described = resolver.describe("https://a.example/cached#frag")
    assert described["source"] == "cached" and described["stored_at"].endswith("Z")
    assert described["sha256"] == hashlib.sha256(b'{"c": 1}').hexdigest()


def test_damaged_cache_record_is_ignored(network_attempts):
    wallet = MemoryWallet()
    record = document_record("https://a.example/d", b'{"a": 1}', source="added")
    record["sha256"] = "0" * 64
    wallet.put("documents", "https://a.example/d", record)
    with pytest.raises(DocumentUnavailableError):
        DocumentResolver(offline=True, wallet=wallet).fetch("https://a.example/d")


def test_online_refuses_plain_http_without_network(network_attempts):
    resolver = DocumentResolver(offline=False)
    with pytest.raises(DocumentUnavailableError, match="only HTTPS"):
        resolver.fetch("http://issuer.example/key")
    assert network_attempts == []


@pytest.mark.parametrize(
    "did,url",
    [
        ("did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"),
        ("did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"),
        ("did:web:example.com%3A3000:user:alice", "https://example.com:3000/user/alice/did.json"),
    ],
)
def test_did_web_urls_from_the_spec(did, url):
    # did:web method specification, §3.2 "Read (Resolve)" examples
    assert did_web_to_url(did) == url


@pytest.mark.parametrize("did", ["did:web:", "did:web:a.example:..:x", "did:web:user@a.example"])
def test_bad_did_web(did):
    with pytest.raises(ValueError):
        did_web_to_url(did)


def test_normalize_document_url():
    assert normalize_document_url("HTTPS://A.Example/Path?q=1#frag") == "https://a.example/Path?q=1"
    assert normalize_document_url("https://a.example") == "https://a.example/"


# -- --document URL=FILE --------------------------------------------------------------------------------


def test_parse_document_options(tmp_path: Path):
    first = tmp_path / "status.json"
    first.write_text('{"id": 1}')
    odd = tmp_path / "a=b.json"
    odd.write_text("{}")
    parsed = parse_document_options(
        [f"https://a.example/list?id=3={first}", f"https://a.example/other={odd}", f"did:web:b.example={first}"]
    )
    assert parsed == {
        "https://a.example/list?id=3": b'{"id": 1}',
        "https://a.example/other": b"{}",
        "https://b.example/.well-known/did.json": b'{"id": 1}',
    }


@pytest.mark.parametrize("value", ["no-equals-sign", "https://a.example/x=", "=file.json", "ftp://a.example/x={f}", "https://a.example/x={missing}"])
def test_parse_document_options_errors(tmp_path: Path, value):
    f = tmp_path / "f.json"
    f.write_text("{}")
    with pytest.raises(InvalidInputError):
        parse_document_options([value.format(f=f, missing=tmp_path / "missing.json")])


def test_parse_document_options_conflicting_duplicates(tmp_path: Path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text("{}")
    b.write_text("[]")
    with pytest.raises(InvalidInputError, match="given twice"):
        parse_document_options([f"https://a.example/x={a}", f"https://a.example/x#k={b}"])


def test_parse_document_options_size_cap(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(resolver_module, "MAX_DOCUMENT_BYTES", 10)
    big = tmp_path / "big.json"
    big.write_text(" " * 11)
    with pytest.raises(InvalidInputError, match="too large"):
        parse_document_options([f"https://a.example/x={big}"])


# -- real HTTPS fetches against a local server ------------------------------------------------------------


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, dict, bytes]] = {}
    hits: list[str] = []

    def do_GET(self):  # noqa: N802
        self.hits.append(self.path)
        status, headers, body = self.routes.get(self.path, (404, {}, b"not found"))
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def https_server(tmp_path: Path):
    cert_path, key_path = _self_signed(tmp_path)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert_path, key_path)
    server.socket = server_context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    client_context = ssl.create_default_context(cafile=str(cert_path))
    _Handler.routes = {}
    _Handler.hits = []
    base = f"https://localhost:{server.server_address[1]}"
    yield base, client_context, _Handler
    server.shutdown()
    server.server_close()


def test_https_fetch_is_cached_and_used_offline_later(https_server):
    base, context, handler = https_server
    handler.routes["/.well-known/did.json"] = (200, {"Content-Type": "application/did+json"}, b'{"id": "did:web:x"}')
    wallet = MemoryWallet()
    online = DocumentResolver(offline=False, wallet=wallet, ssl_context=context, allow_private_hosts=True, timeout=5)
    assert online.fetch_json(f"{base}/.well-known/did.json") == {"id": "did:web:x"}
    assert online.source_of(f"{base}/.well-known/did.json") == "fetched"
    assert online.network_requests == 1 and handler.hits == ["/.well-known/did.json"]
    stored = wallet.data[("documents", f"{base}/.well-known/did.json")]
    assert stored["source"] == "fetched" and stored["media_type"] == "application/did+json"
    # A second fetch in the same run is memoised; a later offline run uses the wallet's copy.
    online.fetch(f"{base}/.well-known/did.json")
    assert handler.hits == ["/.well-known/did.json"]
    offline = DocumentResolver(offline=True, wallet=wallet)
    assert offline.fetch_json(f"{base}/.well-known/did.json") == {"id": "did:web:x"}
    assert offline.source_of(f"{base}/.well-known/did.json") == "cached"


def test_https_fetch_errors(https_server):
    base, context, handler = https_server
    handler.routes["/gone"] = (410, {}, b"")
    handler.routes["/big"] = (200, {}, b"x" * 2000)
    handler.routes["/downgrade"] = (302, {"Location": "http://localhost/x"}, b"")
    resolver = DocumentResolver(offline=False, ssl_context=context, allow_private_hosts=True, max_bytes=1000)
    with pytest.raises(DocumentGoneError):
        resolver.fetch(f"{base}/gone")
    with pytest.raises(DocumentUnavailableError, match="too large"):
        resolver.fetch(f"{base}/big")
    with pytest.raises(DocumentUnavailableError, match="HTTP 404"):
        resolver.fetch(f"{base}/missing")
    with pytest.raises(DocumentUnavailableError, match="non-HTTPS"):
        resolver.fetch(f"{base}/downgrade")


def test_untrusted_certificate_is_unavailable(https_server):
    base, _context, handler = https_server
    handler.routes["/x"] = (200, {}, b"{}")
    with pytest.raises(DocumentUnavailableError, match="fetching"):
        # system trust store: the test certificate is unknown
        DocumentResolver(offline=False, allow_private_hosts=True).fetch(f"{base}/x")
    assert handler.hits == []


def test_failed_fetch_falls_back_to_cached_copy(https_server):
    base, context, handler = https_server
    wallet = MemoryWallet()
    wallet.put("documents", f"{base}/list", document_record(f"{base}/list", b'{"old": true}', source="fetched"))
    resolver = DocumentResolver(offline=False, wallet=wallet, ssl_context=context, allow_private_hosts=True)
    assert resolver.fetch_json(f"{base}/list") == {"old": True}
    assert resolver.source_of(f"{base}/list") == "cached"


def test_private_and_loopback_hosts_are_refused(https_server):
    base, context, handler = https_server
    handler.routes["/x"] = (200, {}, b"{}")
    resolver = DocumentResolver(offline=False, ssl_context=context)
    with pytest.raises(DocumentUnavailableError, match="local or private address"):
        resolver.fetch(f"{base}/x")
    with pytest.raises(DocumentUnavailableError, match="local or private address"):
        resolver.fetch("https://10.1.2.3/did.json")
    assert handler.hits == []


def test_redirect_to_a_private_host_is_refused(https_server, monkeypatch):
    base, context, handler = https_server
    handler.routes["/hop"] = (302, {"Location": "https://192.168.1.1/admin"}, b"")
    original = resolver_module._refuse_private_host

    def allow_only_the_test_server(url):
        if not url.startswith(base):
            original(url)

    monkeypatch.setattr(resolver_module, "_refuse_private_host", allow_only_the_test_server)
    resolver = DocumentResolver(offline=False, ssl_context=context)
    with pytest.raises(DocumentUnavailableError, match="192.168.1.1"):
        resolver.fetch(f"{base}/hop")
    assert handler.hits == ["/hop"]  # the first hop was made; the redirect was refused before connecting


def test_slow_drip_is_cut_off(https_server, monkeypatch):
    import time

    base, context, handler = https_server
    handler.routes["/big"] = (200, {}, b"x" * 300_000)
    resolver = DocumentResolver(offline=False, ssl_context=context, allow_private_hosts=True, timeout=5)
    real_monotonic = time.monotonic
    ticks = iter(range(0, 10_000, 4))  # every reading of the clock is four seconds later

    monkeypatch.setattr(time, "monotonic", lambda: real_monotonic() + next(ticks))
    with pytest.raises(DocumentUnavailableError, match="took too long"):
        resolver.fetch(f"{base}/big")


def test_a_failed_fetch_is_tried_once_per_run(https_server):
    base, context, handler = https_server
    resolver = DocumentResolver(offline=False, ssl_context=context, allow_private_hosts=True)
    for _ in range(3):
        with pytest.raises(DocumentUnavailableError, match="HTTP 404"):
            resolver.fetch(f"{base}/missing")
    assert handler.hits == ["/missing"] and resolver.network_requests == 1
