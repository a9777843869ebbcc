"""civicgraph's builder: corpus → extraction → merge → validation → reasoning → build folder."""

__version__ = "0.1.0"
