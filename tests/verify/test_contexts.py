"""The shipped JSON-LD contexts: each copy matches the published document's hash, and the loader is offline."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from skillwallet.verify import contexts
from skillwallet.verify.jsonld import JsonLdError, canonicalize, expand, offline_document_loader

# The table of published hashes, copied from the shared design notes (JSONLD-CONTEXTS.md) so the test
# does not depend on a file outside the repository.
PUBLISHED = {
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json": ("880f1902d4158f2f33ce06af41b90719977cd1ea337a9de2e41edb3ff5e543d6", "7defe702c102faf14108579b7d65ef39ecf4c3bbef925b803e15bd77cd6e3394"),
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json": ("d582f3564282fb3b709136d28412e78e70b678b4dbc2f0221f67d84932748355", "8bb2354552b70cbdf2066f6d3e24bc5c2be2619145737580ad2aebdc366e77d5"),
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json": ("00666ad080ba407687ed1846b7f5e7495f5019042b202a727de47c48a1755c53", "bdd1d11a55a660322f24660862a1d430ee80cce584465f750909daa43684357c"),
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": ("ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761", "c5e555a91a5cf48e32ae0a05674c61ddd5c053b680b5643b2f57f9965e386d99"),
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json": ("b077fa134d909d92c1dcd1c153f2af1b244aeb415967fdc1467d7fc5dd48ac10", "2c54acaa1cffda2420be32ab61f0a2082051211131c6337686f36f2537aa859b"),
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json": ("146f85aa16effd7ca1da8056eb443f53ce1eca8a34186cb062832c0a97d889c3", "15f4c347c6fe4380d9b6b93795859e33747ef48d5c55b91a71c52fb51c7bcbd7"),
    "https://w3id.org/citizenship/v4rc1": ("5038c7383afd7ab2158f1b997913a8f60978a0abcf96e0b0d08e29f146d2db1e", "15ca37d6ed55aee696cb2c8ca747d889418756c66188a47734c15e092ffef869"),
    "https://w3id.org/dcc/v1": ("1543695325471b0d23e839a28166ba4ea445cca294ac46fe034ca584cbfc6077", "72bbeeb602655938f472f98317cab12c1bf6abc96a915d1fcc3fe18e79f92a42"),
    "https://w3id.org/security/data-integrity/v1": ("b5d829bd09aa7c42abc6efa0c8ed7635313b5487f37ccfce3ecd149ca9418554", "9505bf85338a4c2121ad03992ac90061bc85d43bcfa34d9d47b779381cf08b5f"),
    "https://w3id.org/security/data-integrity/v2": ("67f21e6e33a6c14e5ccfd2fc7865f7474fb71a04af7e94136cb399dfac8ae8f4", "7ba3c50acf2689d5e07927267343eb353249c7c22a9f2d00307cc970e855e305"),
    "https://w3id.org/security/jwk/v1": ("0f14b62f6071aafe00df265770ea0c7508e118247d79b7d861a406d2aa00bece", "38dd329a9a011facda06afc4ba43a121980eaedbd1f974268026d157926bc086"),
    "https://w3id.org/security/multikey/v1": ("ba2c182de2d92f7e47184bcca8fcf0beaee6d3986c527bf664c195bbc7c58597", "be20c3ee6af6e9c4102e66a85c26617831218e32216bdf050f870e389e737cdc"),
    "https://w3id.org/security/suites/ed25519-2020/v1": ("b9e1ab971fd8bf2c7553e0c4a9438e0b9450afde1ea1ca5b2492368b9f549588", "fb517f09d990829aed734c9bad8cbbb2ac3d5063b865c7e3d81f246074bf5691"),
    "https://w3id.org/security/suites/jws-2020/v1": ("d648e05ddc6577827ca2bfd5e931f53e9ebc6e52a57a8da81df4ec8c46ffcd1e", "eed16334842a5635257913b33acd1aeee29009eb188d855f9a1d0ceee4a8ae4d"),
    "https://w3id.org/security/v1": ("abaf97e107d1925503c433dcaf3ffd2831697cacc1ed2a293e1bc8030d5bcb47", "d87de2ce3ce407bcac481f8af31e211e54beb5cbd7dd459826ed0502302ee234"),
    "https://w3id.org/security/v2": ("611bd81151d5efe53ec9aed78f5a813e577287bc9451ee26d6879b1b8b46bc3b", "38a9ef19cf3a75bf856202bd1ed4cbd55c985ad4a809eb7f4ef584ba9d51dc90"),
    "https://w3id.org/vc/status-list/2021/v1": ("6dd06a52bedb771e059c1083ba8ba7848dce22f6b4a8cfa0b98ba3fc188870e4", "9768f9aa81ab6c3e2ad96b2d669eaba67afe13fff0140a853f1e3d313fab13b6"),
    "https://www.w3.org/2018/credentials/examples/v1": ("2070ae4e75bc3b4c2cfe2b8b6e86ec45119672bbb5da283f0399ea96c60a0104", "5bca9da34aefb4c5e0cd993e222e58827734e0928fda0210ee73413c43d6e5e5"),
    "https://www.w3.org/2018/credentials/v1": ("ab4ddd9a531758807a79a5b450510d61ae8d147eab966cc9a200c07095b0cdcc", "b01e671e873981f19a9102a9a57f666dbcaeb31b99e3e124378d143e71549247"),
    "https://www.w3.org/ns/credentials/examples/v2": ("57393fbc69d6efb9b9b5dc9cb6b9880b0944360abfe2eaf459c9e58cf2279d7c", "8a675bead391be98e6054c4e07c41f73337508d398e07047344c5d349aa2dc58"),
    "https://www.w3.org/ns/credentials/status/v1": ("fda5add353231e6a6884a46b12e6c75464281900cb348284d9c360f62381d9f7", "b2fcebfbaf4e6beae2be370fda8a5f9f99c28540c798a75a8cdccc0fb1a12492"),
    "https://www.w3.org/ns/credentials/undefined-terms/v2": ("82dab514ba44eb18f5d1b0f638c5e140c6a556fbfb5089601bdc0fa5eb8b2581", "3b11e1df8c618447e9f79f3737e3c30fc0841537eb95f36003742c633672bb9f"),
    "https://www.w3.org/ns/credentials/v2": ("59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734", "b463c8d6a066214123ddd9827b135e1b50e1fc73322cc52a9b12a4f1fc7d86cf"),
    "https://www.w3.org/ns/did/v1": ("adefa50311393eb1bd788a38ac9fe2696c65367928f6996812cd54577394f4da", "a7e146c40fcec005d3f0f14ae745665f446da58d7914a9d8f733746686fad82b"),
    "https://www.w3.org/ns/odrl.jsonld": ("a83cb98005bce546531131d4042318d8267aff71b1451f53cc926587fcef42c6", "c9b3bbb66a340349a8b126f464287e139570ae46d40d89362733196babb1c9c6"),
}


# Blockcerts contexts: not in JSONLD-CONTEXTS.md. The copies the reference verifier preloads (npm @blockcerts/schemas
# 3.10.0); the v3 and v3.1 copies reproduce the targetHash of published Blockcerts certificates.
PUBLISHED.update({
    "https://w3id.org/blockcerts/schema/1.2/context.json": ("d1dfea6ed1749895d73dc01896097dd7550e23f8630e6d1f1bf2c2e28c80be23", "bf9351c329cac3988241b13d52cd61536d8b88a11002a8e0a4379c568c562641"),
    "https://w3id.org/blockcerts/schema/2.0/context.json": ("9aeb82c65913f2b727170778a81b9f882254b12d4b66c7aca1c8ee4765d4fc57", "9c60cadaba9e5e85dff2372e4be1d565452444ef554a6f388b419ff9d23c6938"),
    "https://w3id.org/blockcerts/schema/2.1/context.json": ("3c0621311db8d15a6aee9921a641d75d3cb72ebc296ff2c6d11597f23e4615b5", "6fd81a8d7ea396d005ae4b712e9ecec1df6f8e54dbff20773bb76b9ce6cdfeb4"),
    "https://w3id.org/blockcerts/schema/3.0/context.json": ("7b5a4f9771640918b6e3169af29374b38a9f914dcfed77675db7944c8f1a1152", "ce2b7f5b1b9b81b84e5d41aaa6fe76802e932ce9f48bcb63532f4eacfc3f29ee"),
    "https://w3id.org/blockcerts/schema/3.1/context.json": ("2fc073679f0e05bba5984a3110c0bfcfbc9401c2a5874115e9a9bb12204001f3", "0acee5480ba39ed3d82b1ef98e600f8eebf31c30253860ae0f081f8ff84ec557"),
    "https://w3id.org/blockcerts/schema/3.2/context.json": ("fa5afe993720de6d030dc78cb8d33085e4e8a58704e26c8eefa536f4ab7b9731", "1ebd84139639d0509fc0f20924746ffe42cd26a024ce2603a6fc86e3945e7b53"),
    "https://w3id.org/blockcerts/v1": ("d1dfea6ed1749895d73dc01896097dd7550e23f8630e6d1f1bf2c2e28c80be23", "bf9351c329cac3988241b13d52cd61536d8b88a11002a8e0a4379c568c562641"),
    "https://w3id.org/blockcerts/v2": ("9aeb82c65913f2b727170778a81b9f882254b12d4b66c7aca1c8ee4765d4fc57", "9c60cadaba9e5e85dff2372e4be1d565452444ef554a6f388b419ff9d23c6938"),
    "https://w3id.org/blockcerts/v2.1": ("3c0621311db8d15a6aee9921a641d75d3cb72ebc296ff2c6d11597f23e4615b5", "6fd81a8d7ea396d005ae4b712e9ecec1df6f8e54dbff20773bb76b9ce6cdfeb4"),
    "https://w3id.org/blockcerts/v3": ("7b5a4f9771640918b6e3169af29374b38a9f914dcfed77675db7944c8f1a1152", "ce2b7f5b1b9b81b84e5d41aaa6fe76802e932ce9f48bcb63532f4eacfc3f29ee"),
    "https://w3id.org/blockcerts/v3.1": ("2fc073679f0e05bba5984a3110c0bfcfbc9401c2a5874115e9a9bb12204001f3", "0acee5480ba39ed3d82b1ef98e600f8eebf31c30253860ae0f081f8ff84ec557"),
    "https://w3id.org/blockcerts/v3.2": ("fa5afe993720de6d030dc78cb8d33085e4e8a58704e26c8eefa536f4ab7b9731", "1ebd84139639d0509fc0f20924746ffe42cd26a024ce2603a6fc86e3945e7b53"),
    "https://w3id.org/security/suites/merkle-2019/v1": ("953b934ec954fab06c3d48e524ac66f0f66531b86fa91330f66e8fc4ba536ff4", "dd4bb45f08bb6527d2707c1b2447f1fd79943789e478799c3fa8c64db1b8842d"),
    "https://www.blockcerts.org/schema/2.0/context.json": ("9aeb82c65913f2b727170778a81b9f882254b12d4b66c7aca1c8ee4765d4fc57", "9c60cadaba9e5e85dff2372e4be1d565452444ef554a6f388b419ff9d23c6938"),
    "https://www.blockcerts.org/schema/2.1/context.json": ("3c0621311db8d15a6aee9921a641d75d3cb72ebc296ff2c6d11597f23e4615b5", "6fd81a8d7ea396d005ae4b712e9ecec1df6f8e54dbff20773bb76b9ce6cdfeb4"),
    "https://www.blockcerts.org/schema/3.0/context.json": ("7b5a4f9771640918b6e3169af29374b38a9f914dcfed77675db7944c8f1a1152", "ce2b7f5b1b9b81b84e5d41aaa6fe76802e932ce9f48bcb63532f4eacfc3f29ee"),
    "https://www.blockcerts.org/schema/3.1/context.json": ("2fc073679f0e05bba5984a3110c0bfcfbc9401c2a5874115e9a9bb12204001f3", "0acee5480ba39ed3d82b1ef98e600f8eebf31c30253860ae0f081f8ff84ec557"),
    "https://www.blockcerts.org/schema/3.2/context.json": ("fa5afe993720de6d030dc78cb8d33085e4e8a58704e26c8eefa536f4ab7b9731", "1ebd84139639d0509fc0f20924746ffe42cd26a024ce2603a6fc86e3945e7b53"),
})


# Published (JSONLD-CONTEXTS.md) but not shipped: no copy found has either published hash. Every copy of the Open
# Badges 2.0 context looked at (1EdTech/openbadges-specification v2/context.json and ob_v2p0/v2/context.json, the
# validator's OPENBADGES_CONTEXT_V2_DICT in 1EdTech/openbadges-validator-core and PyPI openbadges 1.1.2, Blockcerts'
# cert_schema 2.0/obi.json and 2.1/obi.json in PyPI cert-schema 3.10.0) has the canonical hash 4b5f71314b9fef23...,
# the OB 1.0 context.json versions of the specification repository 327a54f6... and 05312e91... A context is
# shipped only as a copy of the published document, so these stay "not available offline" until a matching copy
# is found; whoever ships one must match these hashes, not those of the copy at hand.
NOT_SHIPPED = {
    "https://w3id.org/openbadges/v1": ("406ec07d0e758a41e84bac6361d29e391188492eb25f7efc51bfa19d8b2db810", "b89b3e6b57d3ec343cded9bb0a1d0611ec77d91f4b81f0d50f124c94113c8356"),
    "https://w3id.org/openbadges/v2": ("3c0c25a0e581c64cbe632197377c4f334c6c0b95f0d90e3b74449781612b153d", "5f063cc07234984e99d3fe24abdb084a0de95ac073c30580b4d31f4d9c3e1d94"),
    # the other URL OB 2.0 documents name for that context (verify/shapes.py), taken as the same document
    "https://openbadgespec.org/v2/context.json": ("3c0c25a0e581c64cbe632197377c4f334c6c0b95f0d90e3b74449781612b153d", "5f063cc07234984e99d3fe24abdb084a0de95ac073c30580b4d31f4d9c3e1d94"),
}


def canonical_json_sha256(data: bytes) -> str:
    obj = json.loads(data)
    return hashlib.sha256(json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()).hexdigest()


@pytest.mark.parametrize("url", sorted(PUBLISHED))
def test_shipped_copy_matches_the_published_document(url):
    published_file_hash, published_canonical_hash = PUBLISHED[url]
    data = contexts.context_bytes(url)
    assert hashlib.sha256(data).hexdigest() == published_file_hash or canonical_json_sha256(data) == published_canonical_hash


@pytest.mark.parametrize("url", sorted(NOT_SHIPPED))
def test_a_context_without_a_matching_copy_stays_unavailable_offline(url):
    published_file_hash, published_canonical_hash = NOT_SHIPPED[url]
    if contexts.is_shipped(url):  # only a copy of the published document may be shipped under its URL
        data = contexts.context_bytes(url)
        assert hashlib.sha256(data).hexdigest() == published_file_hash or canonical_json_sha256(data) == published_canonical_hash
        assert PUBLISHED.get(url) == NOT_SHIPPED[url]
    else:
        with pytest.raises(contexts.UnknownContextError):
            offline_document_loader(url)
        with pytest.raises(JsonLdError) as info:
            canonicalize({"@context": url, "type": "Assertion", "id": "urn:uuid:1"})
        assert info.value.unknown_context == url


def test_index_lists_exactly_the_verified_contexts_with_their_sources():
    shipped = contexts.shipped_contexts()
    assert set(shipped) == set(PUBLISHED)
    for url, entry in shipped.items():
        data = contexts.context_bytes(url)
        assert entry.sha256 == hashlib.sha256(data).hexdigest()
        assert entry.published_sha256 == PUBLISHED[url][0]
        assert entry.source


def test_every_data_file_is_indexed():
    folder = Path(contexts.__file__).resolve().parent.parent / "data" / "contexts"
    files = {p.name for p in folder.iterdir() if p.is_file()} - {"index.json"}
    assert files == {entry.file for entry in contexts.shipped_contexts().values()}


def test_http_alias_and_fragment_resolve_to_the_same_copy():
    assert contexts.context_bytes("http://www.w3.org/2018/credentials/v1") == contexts.context_bytes(
        "https://www.w3.org/2018/credentials/v1#"
    )


def test_loader_never_fetches_unknown_urls(monkeypatch):
    import urllib.request

    def no_network(*args, **kwargs):  # pragma: no cover - reaching it is the failure
        raise AssertionError("network used")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    with pytest.raises(contexts.UnknownContextError):
        offline_document_loader("https://example.com/context.jsonld")
    with pytest.raises(JsonLdError) as info:
        canonicalize({"@context": "https://example.com/context.jsonld", "name": "x"})
    assert info.value.unknown_context == "https://example.com/context.jsonld"


def test_index_version_is_stable_and_short():
    assert re.fullmatch(r"[0-9a-f]{16}", contexts.index_version())
    assert contexts.index_version() == contexts.index_version()


def test_expansion_reports_dropped_terms():
    doc = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:example:1", "notDefined": "x"},
        "alsoNotDefined": 1,
    }
    _, dropped = expand(doc)
    assert dropped == ["alsoNotDefined", "notDefined"]


def test_undefined_terms_context_maps_extra_terms():
    # the VC 2.0 "undefined terms" context maps unknown terms under @vocab: nothing is dropped
    doc = {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/undefined-terms/v2"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:example:1", "notDefined": "x"},
    }
    assert expand(doc)[1] == []


def test_protected_term_redefinition_is_an_error():
    doc = {
        "@context": ["https://www.w3.org/ns/credentials/v2", {"name": "https://evil.example/name"}],
        "type": ["VerifiableCredential"],
        "name": "x",
    }
    with pytest.raises(JsonLdError, match="protected"):
        canonicalize(doc)


def test_ob3_context_expands_an_achievement_credential():
    doc = {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:1",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:example:issuer", "type": ["Profile"], "name": "Example U"},
        "validFrom": "2024-01-01T00:00:00Z",
        "name": "Badge",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:2",
                "type": ["Achievement"],
                "name": "Python",
                "criteria": {"narrative": "Wrote Python"},
                "description": "d",
            },
        },
    }
    result = canonicalize(doc)
    assert result.lossless
    assert "https://purl.imsglobal.org/spec/vc/ob/vocab.html#Achievement" in result.nquads


def _plain_pyld_nquads(doc):
    from cachetools import LRUCache
    from pyld import jsonld
    from pyld.context_resolver import ContextResolver

    return jsonld.normalize(
        doc,
        {
            "algorithm": "URDNA2015",
            "format": "application/n-quads",
            "documentLoader": offline_document_loader,
            "contextResolver": ContextResolver(LRUCache(maxsize=100), offline_document_loader),
        },
    )


def _documents_for_cross_check():
    from fixtures.di.helpers import load_json, ob3_credential

    ob3 = ob3_credential("did:example:issuer")
    ob3["credentialSubject"]["achievement"]["alignment"] = [
        {"type": ["Alignment"], "targetName": "Python", "targetUrl": "https://example.org/python", "targetFramework": "ESCO"}
    ]
    vc11 = {
        "@context": ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/security/data-integrity/v2"],
        "type": ["VerifiableCredential"],
        "issuer": {"id": "did:example:1", "name": "Issuer"},
        "issuanceDate": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:abc"},
    }
    inline = {
        "@context": ["https://www.w3.org/ns/credentials/v2", {"favouriteColour": "https://example.org/vocab#colour"}],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:1",
        "credentialSubject": {"id": "did:example:abc", "favouriteColour": "teal"},
    }
    clr = {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": {"id": "did:example:1", "type": ["Profile"], "name": "I"},
        "validFrom": "2024-01-01T00:00:00Z",
        "name": "CLR",
        "credentialSubject": {"type": ["ClrSubject"], "verifiableCredential": [ob3]},
    }
    return [load_json("eddsa-rdfc-2022-signed.json"), load_json("signedProofChain2.json"), ob3, vc11, inline, clr]


def test_memoised_canonicalisation_equals_plain_pyld():
    # cross-check the accelerations (processed-context memo, single expansion) against pyld's own path,
    # twice over so the second round runs entirely on warm caches
    for _ in range(2):
        for doc in _documents_for_cross_check():
            assert canonicalize(doc).nquads == _plain_pyld_nquads(doc)


def test_an_altered_installed_copy_is_refused(monkeypatch, tmp_path):
    import shutil

    from skillwallet.verify import jsonld

    folder = tmp_path / "contexts"
    shutil.copytree(Path(contexts.__file__).resolve().parent.parent / "data" / "contexts", folder)
    target = folder / contexts.shipped_contexts()["https://www.w3.org/ns/credentials/examples/v2"].file
    target.write_text('{"@context": {"@vocab": "https://evil.example/#"}}')
    monkeypatch.setattr(contexts, "_data_dir", lambda: folder)
    contexts.context_bytes.cache_clear()
    monkeypatch.setattr(jsonld, "_resolved_contexts", None)
    monkeypatch.setattr(jsonld, "_processor_class", None)
    try:
        with pytest.raises(contexts.AlteredContextError):
            contexts.context_bytes("https://www.w3.org/ns/credentials/examples/v2")
        with pytest.raises(JsonLdError, match="altered"):
            canonicalize({"@context": ["https://www.w3.org/ns/credentials/examples/v2"], "name": "x"})
    finally:
        contexts.context_bytes.cache_clear()


def test_an_inline_context_mutated_in_place_is_processed_again():
    # the processed-context memo must not key on the identity of the caller's own objects
    inline = {"colour": "https://example.org/vocab#colour"}
    doc = {
        "@context": ["https://www.w3.org/ns/credentials/v2", inline],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:1",
        "credentialSubject": {"id": "did:example:abc", "colour": "teal"},
    }
    first = canonicalize(doc).nquads
    inline["colour"] = "https://evil.example/vocab#colour"
    second = canonicalize(doc).nquads
    assert "https://evil.example/vocab#colour" in second and first != second
    doc["@context"].append({"size": "https://example.org/vocab#size"})
    doc["credentialSubject"]["size"] = "L"
    assert "https://example.org/vocab#size" in canonicalize(doc).nquads
