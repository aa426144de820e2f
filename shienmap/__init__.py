"""shienmap: a graph model of Japan's SME support network."""

__version__ = "0.1.0"
