"""Property tests: whatever JSON value and key goes in comes back out, through the real file."""

from __future__ import annotations

import shutil

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_helpers import PASSPHRASE, wallet_home

from skillwallet.store import Wallet
from skillwallet.store.credentials import normalise_tags

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entries=st.dictionaries(st.text(min_size=1, max_size=30), json_values, max_size=6), removed=st.data())
def test_put_get_items_roundtrip(entries, removed):
    home = wallet_home()
    shutil.rmtree(home, ignore_errors=True)
    with Wallet.init(home, PASSPHRASE) as wallet:
        for key, value in entries.items():
            wallet.put("things", key, value)
        gone = removed.draw(st.sets(st.sampled_from(sorted(entries))) if entries else st.just(set()))
        for key in gone:
            assert wallet.delete("things", key)
    expected = {k: v for k, v in entries.items() if k not in gone}
    with Wallet.open(home, passphrase=PASSPHRASE, check_rollback=False) as wallet:
        assert dict(wallet.items("things")) == expected
        for key, value in expected.items():
            assert wallet.get("things", key) == value
        assert wallet.verify_all() >= len(expected)


@given(st.lists(st.text(max_size=10), max_size=10))
def test_normalise_tags(tags):
    out = normalise_tags(tags)
    assert len(out) == len(set(out))
    assert all(t and t == t.strip() for t in out)
    assert set(out) == {t.strip() for t in tags if t.strip()}
