"""The one exception tree of councilkg.

Every error a user can cause derives from :class:`CouncilKGError`; the API maps
these classes to HTTP problem responses in one place (``search_api.problems``)
and the CLI prints their message. Each carries structured fields so callers do
not parse messages.
"""

from __future__ import annotations


class CouncilKGError(Exception):
    """Root of all councilkg errors."""

    #: short machine-readable slug, used as the problem ``type`` suffix
    code = "error"

    def __init__(self, message: str, **detail: object) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class OntologyError(CouncilKGError):
    """The ontology file is unreadable or lacks a term the code needs."""

    code = "ontology-error"


class UnknownTermError(OntologyError):
    """A label or relationship type outside the ontology's allow-list."""

    code = "unknown-term"


class IngestError(CouncilKGError):
    """A single input could not be ingested; the rest of the batch goes on."""

    code = "ingest-error"


class UnsupportedInputError(IngestError):
    """The file is binary, of an unsupported format, or undecodable."""

    code = "unsupported-input"


class EmptyInputError(IngestError):
    """The file holds no text worth indexing."""

    code = "empty-input"


class InputTooLargeError(IngestError):
    """The file exceeds the configured size cap."""

    code = "input-too-large"


class DuplicateInputError(IngestError):
    """Two inputs of one batch are the same document (same symbol, or same file stem
    without a symbol): the later one is refused rather than silently replacing the other."""

    code = "duplicate-input"


class ReaderLimitError(IngestError):
    """A format reader ran out of its time or memory budget (a hostile or broken file)."""

    code = "reader-limit"


class StoreError(CouncilKGError):
    """The store could not be opened, read or written."""

    code = "store-error"


class StoreUnavailableError(StoreError):
    """The store is locked by another process or its server is unreachable."""

    code = "store-unavailable"


class NotFoundError(CouncilKGError):
    """A document or entity id that the store does not hold."""

    code = "not-found"


class InvalidRequestError(CouncilKGError):
    """A request that is well-formed but not acceptable (bad k, empty query...)."""

    code = "invalid-request"


class QuestionSetError(CouncilKGError):
    """An evaluation question file that cannot be read as written: a gold locator whose file
    is missing or whose offsets fall outside it (``question``, ``file``, ``start``, ``end``)."""

    code = "question-set"


class AmbiguousError(CouncilKGError):
    """A name that several nodes answer to; ``candidates`` lists them, nothing is guessed."""

    code = "ambiguous"


class AuthenticationError(CouncilKGError):
    """No API key, or one that is unknown or revoked (HTTP 401)."""

    code = "unauthenticated"


class PermissionDeniedError(CouncilKGError):
    """A valid key whose scope does not allow the operation (HTTP 403)."""

    code = "forbidden"
