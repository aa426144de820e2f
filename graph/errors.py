"""The Cypher store's error, in a module of its own: the command line catches it without
importing the Cypher backend (graph/cypher.py) on every command."""

from __future__ import annotations


class StoreError(RuntimeError):
    """The server holds no usable shienmap graph, or it changed while being read."""


__all__ = ["StoreError"]
