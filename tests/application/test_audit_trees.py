"""The verifier's two trees, shared while they agree, equal two trees built apart."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from application.audit_trees import LeafTrees
from domain.merkle import MerkleLog, leaf_hash

# Each step: an event of the store, a leaf of the audit log, or both at once
# (the usual case), with data drawn from a few values so that they often agree.
Step = tuple[str, int, int]
steps = st.lists(
    st.tuples(
        st.sampled_from(["event", "leaf", "both"]),
        st.integers(0, 3),
        st.integers(0, 3),
    ),
    max_size=60,
)


def data(n: int) -> str:
    return hashlib.sha256(str(n).encode()).hexdigest()


def built_apart(run: list[Step]) -> tuple[MerkleLog, MerkleLog]:
    store, logged = MerkleLog(), MerkleLog()
    for kind, event, leaf in run:
        if kind in ("event", "both"):
            store.append(leaf_hash(data(event).encode()))
        if kind in ("leaf", "both"):
            logged.append(leaf_hash(data(event if kind == "both" else leaf).encode()))
    return store, logged


def built_shared(run: list[Step]) -> LeafTrees:
    trees = LeafTrees()
    for kind, event, leaf in run:
        if kind in ("event", "both"):
            trees.add_event(data(event))
        if kind in ("leaf", "both"):
            trees.add_leaf(data(event if kind == "both" else leaf))
    return trees


@given(steps)
def test_shared_trees_give_every_root_that_separate_trees_give(
    run: list[Step],
) -> None:
    store, logged = built_apart(run)

    trees = built_shared(run)

    assert trees.store.size == store.size
    assert trees.logged.size == logged.size
    for size in range(store.size + 1):
        assert trees.store.root(size) == store.root(size)
    for size in range(logged.size + 1):
        assert trees.logged.root(size) == logged.root(size)


def test_a_leaf_that_differs_parts_the_trees_from_there_on() -> None:
    trees = built_shared([("both", 1, 0), ("both", 2, 0), ("event", 3, 0)])
    trees.add_leaf(data(9))
    trees.add_event(data(4))
    trees.add_leaf(data(4))

    assert trees.logged.size == trees.store.size == 4
    assert trees.logged.root(2) == trees.store.root(2)
    assert trees.logged.root(3) != trees.store.root(3)
    assert trees.logged.root(4) != trees.store.root(4)


def test_the_recorded_tree_has_no_root_beyond_its_leaves() -> None:
    trees = built_shared([("both", 1, 0), ("event", 2, 0)])

    assert trees.logged.size == 1
    with pytest.raises(ValueError, match="outside"):
        trees.logged.root(2)
