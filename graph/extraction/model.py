"""spaCy's model, loaded when this module is imported: by the server the extraction workers
are forked from (graph/workers.py), so that each worker starts with a copy of it, as it was
loaded, in memory. Nothing else imports this module but the rule tests (tests/test_rules.py),
which extract hundreds of small articles in one process."""

from __future__ import annotations

from typing import Any

import spacy

from graph.extract import SPACY_MODEL

NLP: Any = spacy.load(SPACY_MODEL)
