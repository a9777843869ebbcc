"""The build's Oxigraph store: the dataset loaded into an on-disk pyoxigraph (RocksDB) folder.

The build writes it once, next to the files it was loaded from; the server opens it read-only
(`open_read_only`), one handle per process. RocksDB's files are not byte-for-byte reproducible,
so the manifest records the store's quad count instead of hashes, and the server checks it.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph

STORE_DIR = "oxigraph"
LAYOUT = 3  # 3: the union of the named graphs, copied in-store, is the default graph


def write_store(folder: Path, nquads: Path) -> dict[str, object]:
    """Load the build into `folder / STORE_DIR`; the manifest's entry for the store.

    `nquads` gives the named graphs; every distinct triple of them is then copied into the
    store's default graph. A query without FROM then reads each triple once, as SPARQL's RDF
    merge says (Oxigraph's own "default graph as union" repeats a triple two graphs hold).
    The copy is made inside the store so that blank nodes stay the same nodes (Oxigraph gives
    the blank nodes of every file it loads fresh names).
    """
    path = folder / STORE_DIR
    store = pyoxigraph.Store(str(path))
    store.bulk_load(path=str(nquads), format=pyoxigraph.RdfFormat.N_QUADS)
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    store.optimize()
    quads = len(store)
    store.flush()
    del store  # closes RocksDB before the folder is renamed into place
    engine = f"pyoxigraph {pyoxigraph.__version__}"
    return {"path": STORE_DIR, "quads": quads, "engine": engine, "layout": LAYOUT}


def open_read_only(path: Path) -> pyoxigraph.Store:
    """Open a build's store for reading (several processes may hold it at once)."""
    return pyoxigraph.Store.read_only(str(path))
