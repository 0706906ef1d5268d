"""The application layer: what every front end (the command line, the web page) calls.

It sits between the front ends and the stages. It opens inputs once, whatever their kind
(:mod:`fhirmig.app.inputs`), holds the run context (the clock and the de-identification,
:mod:`fhirmig.app.context`), checks outputs so that none destroys data
(:mod:`fhirmig.app.outputs`), and offers one function per task: convert, figures, report,
upload, batch, import, de-identify, validate. The functions take plain typed values and
raise only :class:`~fhirmig.errors.FhirmigError`, whose ``params`` name the function's
parameters, so each front end words them its own way (the command line as ``--flags``).

Importing this package is cheap: each name is imported on first use (a command loads
only its own task's module) and the stages load only when a task runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fhirmig._lazy import lazy_names

if TYPE_CHECKING:
    from fhirmig.app.batch import batch_convert
    from fhirmig.app.context import Deidentification, RunContext, deidentification
    from fhirmig.app.convert import Converted, ConvertFormat, convert_to_diary, convert_to_fhir
    from fhirmig.app.deidentify import (
        SAFE_HARBOR_FILES,
        SafeHarborExport,
        deidentify_file,
        make_key,
        safe_harbor_export,
    )
    from fhirmig.app.imports import SOURCES, ImportOutcome, ImportSource, import_export
    from fhirmig.app.inputs import (
        DIARY_INPUTS,
        FHIR_INPUTS,
        InputKind,
        detect_input,
        open_diary,
        open_resources,
        reader_of,
        refuse,
    )
    from fhirmig.app.outputs import STDOUT, Output, check_new_diary, check_output, silence_stdout
    from fhirmig.app.period import period_warning, plural
    from fhirmig.app.report import ReportWritten, write_report
    from fhirmig.app.serve import serve_page
    from fhirmig.app.signals import Terminated, clean_exit_on_signals
    from fhirmig.app.stats import Figures, compute_figures
    from fhirmig.app.upload import (
        AUTH_METHODS,
        UPLOAD_MODES,
        SignIn,
        Transport,
        UploadChoices,
        UploadOutcome,
        progress_wanted,
        upload_input,
    )
    from fhirmig.app.validate import Checked, validate_inputs
    from fhirmig.redact import debug_enabled, format_redacted

__all__ = [
    "AUTH_METHODS",
    "DIARY_INPUTS",
    "FHIR_INPUTS",
    "SAFE_HARBOR_FILES",
    "SOURCES",
    "STDOUT",
    "UPLOAD_MODES",
    "Checked",
    "ConvertFormat",
    "Converted",
    "Deidentification",
    "Figures",
    "ImportOutcome",
    "ImportSource",
    "InputKind",
    "Output",
    "ReportWritten",
    "RunContext",
    "SafeHarborExport",
    "SignIn",
    "Terminated",
    "Transport",
    "UploadChoices",
    "UploadOutcome",
    "batch_convert",
    "check_new_diary",
    "check_output",
    "clean_exit_on_signals",
    "compute_figures",
    "convert_to_diary",
    "convert_to_fhir",
    "debug_enabled",
    "deidentification",
    "deidentify_file",
    "detect_input",
    "format_redacted",
    "import_export",
    "make_key",
    "open_diary",
    "open_resources",
    "period_warning",
    "plural",
    "progress_wanted",
    "reader_of",
    "refuse",
    "safe_harbor_export",
    "serve_page",
    "silence_stdout",
    "upload_input",
    "validate_inputs",
    "write_report",
]

#: public name -> the module that defines it, imported on first use (:func:`__getattr__`)
_LAZY: dict[str, str] = {
    "batch_convert": "fhirmig.app.batch",
    "Deidentification": "fhirmig.app.context",
    "RunContext": "fhirmig.app.context",
    "deidentification": "fhirmig.app.context",
    "Converted": "fhirmig.app.convert",
    "ConvertFormat": "fhirmig.app.convert",
    "convert_to_diary": "fhirmig.app.convert",
    "convert_to_fhir": "fhirmig.app.convert",
    "SAFE_HARBOR_FILES": "fhirmig.app.deidentify",
    "SafeHarborExport": "fhirmig.app.deidentify",
    "deidentify_file": "fhirmig.app.deidentify",
    "make_key": "fhirmig.app.deidentify",
    "safe_harbor_export": "fhirmig.app.deidentify",
    "SOURCES": "fhirmig.app.imports",
    "ImportOutcome": "fhirmig.app.imports",
    "ImportSource": "fhirmig.app.imports",
    "import_export": "fhirmig.app.imports",
    "DIARY_INPUTS": "fhirmig.app.inputs",
    "FHIR_INPUTS": "fhirmig.app.inputs",
    "InputKind": "fhirmig.app.inputs",
    "detect_input": "fhirmig.app.inputs",
    "open_diary": "fhirmig.app.inputs",
    "open_resources": "fhirmig.app.inputs",
    "reader_of": "fhirmig.app.inputs",
    "refuse": "fhirmig.app.inputs",
    "STDOUT": "fhirmig.app.outputs",
    "Output": "fhirmig.app.outputs",
    "check_new_diary": "fhirmig.app.outputs",
    "check_output": "fhirmig.app.outputs",
    "silence_stdout": "fhirmig.app.outputs",
    "period_warning": "fhirmig.app.period",
    "plural": "fhirmig.app.period",
    "ReportWritten": "fhirmig.app.report",
    "write_report": "fhirmig.app.report",
    "serve_page": "fhirmig.app.serve",
    "Terminated": "fhirmig.app.signals",
    "clean_exit_on_signals": "fhirmig.app.signals",
    "Figures": "fhirmig.app.stats",
    "compute_figures": "fhirmig.app.stats",
    "AUTH_METHODS": "fhirmig.app.upload",
    "UPLOAD_MODES": "fhirmig.app.upload",
    "SignIn": "fhirmig.app.upload",
    "Transport": "fhirmig.app.upload",
    "UploadChoices": "fhirmig.app.upload",
    "UploadOutcome": "fhirmig.app.upload",
    "progress_wanted": "fhirmig.app.upload",
    "upload_input": "fhirmig.app.upload",
    "Checked": "fhirmig.app.validate",
    "validate_inputs": "fhirmig.app.validate",
    "debug_enabled": "fhirmig.redact",
    "format_redacted": "fhirmig.redact",
}


__getattr__, __dir__ = lazy_names(globals(), _LAZY)
