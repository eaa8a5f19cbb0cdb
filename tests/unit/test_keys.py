"""API keys: made once, stored hashed, verified in constant time, revocable."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from ontology.errors import NotFoundError
from ontology.records import AccessLevel
from search_api.keys import KeyStore, Scope, digest


@pytest.fixture
def keys(tmp_path: Path) -> KeyStore:
    store = KeyStore(tmp_path / "keys.sqlite")
    yield store  # type: ignore[misc]
    store.close()


def test_a_key_verifies_to_its_principal(keys: KeyStore) -> None:
    info, key = keys.create(scope="write", clearance="restricted", name="hub")
    assert key.startswith(f"ckg_{info.id}_") and len(key) > 50
    principal = keys.verify(key)
    assert principal is not None
    assert (principal.key_id, principal.scope, principal.clearance, principal.name) == \
        (info.id, Scope.WRITE, AccessLevel.RESTRICTED, "hub")
    assert keys.verify(f"  {key}\n") == principal  # pasted with whitespace


def test_only_the_hash_is_stored(keys: KeyStore, tmp_path: Path) -> None:
    info, key = keys.create(scope="read")
    raw = (tmp_path / "keys.sqlite").read_bytes()
    secret = key.split("_", 2)[2]
    assert secret.encode() not in raw and key.encode() not in raw
    with sqlite3.connect(tmp_path / "keys.sqlite") as db:
        (stored,) = db.execute("SELECT hash FROM api_keys WHERE id = ?", (info.id,)).fetchone()
    assert stored == digest(key) and len(stored) == 64


def test_wrong_keys_are_refused(keys: KeyStore) -> None:
    info, key = keys.create(scope="read")
    other_secret = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    for wrong in (other_secret, key + "x", "", "ckg_", "Bearer " + key, key.replace("ckg_", "ck_"),
                  f"ckg_{info.id}_", f"ckg_deadbeef_{key.split('_', 2)[2]}"):
        assert keys.verify(wrong) is None, wrong


def test_revoked_keys_stop_working_and_stay_listed(keys: KeyStore) -> None:
    first, key = keys.create(scope="read", name="old")
    second, other = keys.create(scope="write")
    revoked = keys.revoke(first.id)
    assert revoked.revoked is not None
    assert keys.verify(key) is None and keys.verify(other) is not None
    assert [(k.id, k.revoked is None) for k in keys.list()] == [(first.id, False),
                                                               (second.id, True)]
    with pytest.raises(NotFoundError):
        keys.revoke("00000000")


def test_defaults_and_scopes(keys: KeyStore) -> None:
    info, _ = keys.create(scope=Scope.READ)
    assert info.clearance == "public"  # no clearance unless asked for
    assert Scope.WRITE.allows(Scope.READ) and Scope.WRITE.allows(Scope.WRITE)
    assert Scope.READ.allows(Scope.READ) and not Scope.READ.allows(Scope.WRITE)
    with pytest.raises(ValueError):
        keys.create(scope="admin")
    with pytest.raises(ValueError):
        keys.create(scope="read", clearance="secret")
