"""One small error hierarchy for the builder; the CLI turns these into one-line messages."""


class CivicgraphError(Exception):
    """Base of every error a user can cause and read."""


class SettingsError(CivicgraphError):
    """A setting has a value that cannot be used."""


class BuildError(CivicgraphError):
    """The build cannot finish; the previous build output is left untouched."""


class CorpusError(BuildError):
    """An article or its sidecar cannot be read."""


class CuratedError(BuildError):
    """A curated Turtle file (or the ontology) cannot be parsed or breaks a rule."""


class ExtractionError(BuildError):
    """Extraction failed on an article."""


class ShapeViolation(BuildError):
    """SHACL validation found violations; the message is the readable report."""


class QueryFileError(BuildError):
    """A saved query (.rq) does not parse."""
