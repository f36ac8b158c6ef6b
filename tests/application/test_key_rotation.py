"""Rotating a key: a new secret with the same powers, the old one dead at once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from application.keys import BlankOwner, KeyService, UnknownKey
from infrastructure.key_stores import InMemoryKeyStore

NOW = datetime(2022, 10, 20, 3, 0, tzinfo=UTC)


def test_a_rotated_key_keeps_department_actor_and_scopes() -> None:
    keys = KeyService(InMemoryKeyStore())
    old, old_secret = keys.create("tax", "li", {"record", "audit"}, NOW)

    new, new_secret = keys.rotate(old.key_id, NOW)

    principal = keys.authenticate(new_secret)
    assert principal is not None
    assert (principal.actor.department, principal.actor.actor) == ("tax", "li")
    assert principal.scopes == frozenset({"record", "audit"})
    assert new.key_id != old.key_id
    assert keys.authenticate(old_secret) is None


def test_rotating_an_unknown_or_revoked_key_is_refused() -> None:
    keys = KeyService(InMemoryKeyStore())
    old, _ = keys.create("tax", "li", {"record"}, NOW)
    keys.revoke(old.key_id, NOW)

    with pytest.raises(UnknownKey):
        keys.rotate(old.key_id, NOW)
    with pytest.raises(UnknownKey):
        keys.rotate("000000000000", NOW)
    assert [r.key_id for r in keys.list()] == [old.key_id]


@pytest.mark.parametrize(("department", "actor"), [("", "li"), ("tax", "  ")])
def test_a_key_for_a_blank_department_or_actor_is_refused(
    department: str, actor: str
) -> None:
    keys = KeyService(InMemoryKeyStore())

    with pytest.raises(BlankOwner):
        keys.create(department, actor, {"record"}, NOW)

    assert keys.list() == []
