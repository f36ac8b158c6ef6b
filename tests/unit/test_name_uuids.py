"""name_uuid makes the UUID uuid5 makes, for any namespace and name."""

from __future__ import annotations

from uuid import NAMESPACE_DNS, UUID, uuid5

from hypothesis import given
from hypothesis import strategies as st

from domain.name_uuids import name_uuid


@given(st.uuids(), st.text())
def test_the_uuid_is_uuid5s(namespace: UUID, name: str) -> None:
    made = name_uuid(namespace, name)

    assert made == uuid5(namespace, name)
    assert (made.version, made.variant) == (5, "specified in RFC 4122")


def test_a_known_uuid() -> None:
    # RFC 4122's example namespace and a name, as uuid5 documents them.
    assert str(name_uuid(NAMESPACE_DNS, "python.org")) == (
        "886313e1-3b8a-5372-9b90-0c9aee199e5d"
    )
