"""The one exception tree of fhirmig.

Every error the library raises on purpose is a :class:`FhirmigError`. The command-line
tool maps each class to an exit code (``exit_code``) and prints ``str(error)``; no
traceback reaches a user for bad input. Messages name the file and the location
(JSON path, CSV line and column, FHIR element, HTTP status) and never carry patient data
beyond the offending value the user has to fix.

::

    FhirmigError                      exit 1
    ├── DiaryError                    a diary breaks the format (every problem listed)
    ├── InputError                    a file cannot be read at all (missing, too large, a folder)
    ├── MappingError                  FHIR input that cannot be read back into a diary
    ├── ResourceValidationError       a resource fhirmig built fails the FHIR gate (a bug)
    ├── ImportSourceError             an app or wearable export cannot be imported
    ├── ReportError                   the PDF report cannot be made (template, font)
    ├── OutputError                   an output file or folder cannot be written
    ├── BatchError                    a batch cannot run (not a single bad diary)
    ├── PrivacyError                  de-identification cannot be done (missing or weak key)
    ├── UploadError                   an upload failed
    │   ├── AuthError                 exit 3: sign-in to the server failed
    │   └── ServerError               the server answered with an error
    │       ├── TemporaryServerError  retryable: 429, 500, 502, 503, 504, connection loss
    │       └── FatalServerError      not retryable: the answer is final
    └── UsageError                    exit 2: options that do not fit together
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "EXIT_AUTH",
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_USAGE",
    "AuthError",
    "BatchError",
    "DiaryError",
    "FatalServerError",
    "FhirmigError",
    "ImportSourceError",
    "InputError",
    "MappingError",
    "OutputError",
    "PrivacyError",
    "Problem",
    "ReportError",
    "ResourceValidationError",
    "ServerError",
    "TemporaryServerError",
    "UploadError",
    "UsageError",
]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_AUTH = 3


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in one file, at one place.

    ``location`` is a JSON path (``attacks[3].intensity``), a CSV place
    (``line 14, column intensity``), a FHIR element path, or empty when the problem
    concerns the whole file.
    """

    file: str
    location: str
    message: str

    def __str__(self) -> str:
        if self.location:
            return f"{self.file}: {self.location}: {self.message}"
        return f"{self.file}: {self.message}"


def _fill(template: str, params: Sequence[str], name: Callable[[str], str]) -> str:
    for param in params:
        template = template.replace("{" + param + "}", name(param))
    return template


class FhirmigError(Exception):
    """Base of every error fhirmig raises on purpose.

    ``params`` names the library parameters (or settings such as ``SOURCE_DATE_EPOCH``) the
    message speaks of; the message holds each as ``{name}``. ``str(error)`` shows the bare
    names, as a library caller knows them (``jobs must be 1 or more``); the command line
    shows its own words for them through :meth:`worded` (``--jobs must be 1 or more``), so
    the library never speaks of command-line flags.
    """

    exit_code: int = EXIT_FAILED

    def __init__(self, *args: object, params: Sequence[str] = ()) -> None:
        self.params: tuple[str, ...] = tuple(params)
        self.template: str = str(args[0]) if args else ""
        if self.params and args:
            args = (_fill(self.template, self.params, str), *args[1:])
        super().__init__(*args)

    def worded(self, name: Callable[[str], str]) -> str:
        """The message with each parameter written as ``name(param)`` (a flag, say)."""
        if not self.params:
            return str(self)
        return _fill(self.template, self.params, name)


class DiaryError(FhirmigError):
    """A diary breaks the format. ``problems`` lists every problem found, not just the first."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        if not problems:
            raise ValueError("DiaryError needs at least one problem")
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, file: str, location: str, message: str) -> DiaryError:
        """A DiaryError with one problem."""
        return cls([Problem(file, location, message)])


class InputError(FhirmigError):
    """A file cannot be read at all: missing, a folder, too large, unreadable."""


class MappingError(FhirmigError):
    """FHIR input that fhirmig cannot read back into a diary (unknown shape or reference)."""


class ResourceValidationError(FhirmigError):
    """A resource fhirmig built does not pass the FHIR R4 gate.

    This signals a bug in fhirmig, never bad user input: the input was already validated.
    """

    def __init__(self, resource_type: str, path: str, message: str) -> None:
        self.resource_type = resource_type
        self.path = path
        super().__init__(
            f"{resource_type}.{path}: {message}" if path else f"{resource_type}: {message}"
        )


class ImportSourceError(FhirmigError):
    """An export of another app or a wearable cannot be imported."""

    def __init__(
        self, message: str, problems: Iterable[Problem] = (), *, params: Sequence[str] = ()
    ) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        #: The first line alone, for callers that print the problems themselves.
        self.summary = message
        text = message if not self.problems else message + "\n" + "\n".join(map(str, self.problems))
        super().__init__(text, params=params)


class ReportError(FhirmigError):
    """The PDF report cannot be made: a template, a font or the layout failed."""


class OutputError(FhirmigError):
    """An output file or folder cannot be written."""


class BatchError(FhirmigError):
    """A batch cannot run at all (as opposed to one bad diary, which is reported and skipped)."""


class PrivacyError(FhirmigError):
    """De-identification cannot be done, for example a missing or too short key."""


class UploadError(FhirmigError):
    """An upload to a FHIR server failed."""


class AuthError(UploadError):
    """Signing in to the FHIR server failed (token missing, refused or expired)."""

    exit_code = EXIT_AUTH


class ServerError(UploadError):
    """The server answered with an error status.

    ``status`` is the HTTP status (0 for a connection failure), ``outcome`` the parsed
    OperationOutcome when the server sent one.
    """

    def __init__(
        self,
        message: str,
        status: int = 0,
        outcome: dict[str, Any] | None = None,
        *,
        params: Sequence[str] = (),
    ) -> None:
        self.status = status
        self.outcome = outcome
        super().__init__(message, params=params)


class TemporaryServerError(ServerError):
    """A server error worth retrying: 429, 500, 502, 503, 504 or a lost connection."""


class FatalServerError(ServerError):
    """A server error that retrying will not fix."""


class UsageError(FhirmigError):
    """Options or arguments that do not fit together."""

    exit_code = EXIT_USAGE
