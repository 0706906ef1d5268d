"""No output destroys data: each case leaves the original byte-identical."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from fhirmig.app import check_output
from fhirmig.cli import cli
from fhirmig.errors import OutputError, UsageError
from tests.conftest import EXAMPLES, ROOT

DATA = ROOT / "tests" / "importers" / "data"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def diary(tmp_path: Path) -> Path:
    path = tmp_path / "same.json"
    shutil.copy(EXAMPLES / "episodic-twitching.json", path)
    return path


@pytest.fixture
def key(tmp_path: Path) -> Path:
    path = tmp_path / "k.key"
    assert run("deidentify", "--new-key", str(path))[0] == 0
    return path


def _aliases(path: Path) -> list[Path]:
    """The same file by another spelling, a symbolic link and a hard link."""
    link = path.with_name("link.json")
    hard = path.with_name("hard.json")
    link.symlink_to(path)
    os.link(path, hard)
    return [path, path.parent / "." / path.name, link, hard]


@pytest.mark.parametrize("how", range(4), ids=["same", "dotted", "symlink", "hardlink"])
def test_convert_onto_its_input_is_refused(diary: Path, how: int) -> None:
    before = diary.read_bytes()
    target = _aliases(diary)[how]
    code, _, err = run("convert", str(diary), "-o", str(target))
    assert code == 1
    assert "is the same file as the input" in err
    assert diary.read_bytes() == before


@pytest.mark.parametrize("how", range(4), ids=["same", "dotted", "symlink", "hardlink"])
def test_report_onto_its_input_is_refused(diary: Path, how: int) -> None:
    before = diary.read_bytes()
    code, _, err = run("report", str(diary), "-o", str(_aliases(diary)[how]))
    assert code == 1 and "is the same file as the input" in err
    assert diary.read_bytes() == before


def test_deidentify_onto_the_key_is_refused(diary: Path, key: Path) -> None:
    before = key.read_bytes()
    code, _, err = run("deidentify", str(diary), "-o", str(key), "--key-file", str(key))
    assert code == 1 and "is the same file as the key" in err
    assert key.read_bytes() == before


def test_convert_deidentified_onto_the_key_is_refused(diary: Path, key: Path) -> None:
    before = key.read_bytes()
    code, _, err = run(
        "convert", str(diary), "-o", str(key), "--deidentify", "--key-file", str(key)
    )
    assert code == 1 and "is the same file as the key" in err
    assert key.read_bytes() == before


def test_convert_to_diary_onto_its_bundle_is_refused(diary: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "b.json"
    assert run("convert", str(diary), "-o", str(bundle))[0] == 0
    before = bundle.read_bytes()
    code, _, err = run("convert", str(bundle), "--to", "diary", "-o", str(bundle))
    assert code == 1 and "same file as the input" in err
    assert bundle.read_bytes() == before


def test_report_into_its_template_folder_is_refused(diary: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    page = templates / "organisations.json"
    page.write_text("{}")
    code, _, err = run("report", str(diary), "-o", str(page), "--templates", str(templates))
    assert code == 1 and "templates folder" in err
    assert page.read_text() == "{}"


def test_import_onto_an_existing_diary_is_refused_unless_forced(diary: Path) -> None:
    before = diary.read_bytes()
    args = ["import", "migraine-buddy", str(DATA / "mb_standard.csv"), "-o", str(diary)]
    code, _, err = run(*args, "--patient-id", "p")
    assert code == 2
    assert f"--into {diary}" in err and "--force" in err
    assert diary.read_bytes() == before
    code, _, err = run(*args, "--patient-id", "p", "--force")
    assert code == 0, err
    assert diary.read_bytes() != before


def test_import_onto_its_export_is_refused(tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    shutil.copy(DATA / "mb_standard.csv", export)
    before = export.read_bytes()
    code, _, err = run(
        "import", "migraine-buddy", str(export), "-o", str(export), "--patient-id", "p", "--force"
    )
    assert code == 1 and "same file as the export" in err
    assert export.read_bytes() == before


@pytest.mark.parametrize("command", ["convert", "report", "stats-none"])
def test_a_fifo_is_refused_as_output(tmp_path: Path, command: str) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    if command == "stats-none":
        with pytest.raises(OutputError, match="is a named pipe"):
            check_output(fifo)
        return
    code, _, err = run(command, str(EXAMPLES / "chronic-overuse.json"), "-o", str(fifo))
    assert code == 1 and "is a named pipe; fhirmig writes only regular files" in err
    assert fifo.is_fifo()


def test_a_device_is_refused_as_output() -> None:
    # only checked, never written: the refusal comes before any work
    with pytest.raises(OutputError, match="is a device"):
        check_output("/dev/null")
    assert Path("/dev/null").is_char_device()


def test_dash_is_standard_output_for_json(diary: Path) -> None:
    code, out, err = run("convert", str(diary), "-o", "-")
    assert code == 0, err
    assert out.startswith('{"entry":[') and "standard output: 1747 resources" in err
    assert not Path("-").exists()
    code, _, _ = run("convert", str(diary), "--format", "ndjson", "-o", "-")
    assert code == 2 and not Path("-").exists()


def test_dash_is_standard_output_for_a_pdf_unless_a_terminal(diary: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "fhirmig", "report", str(diary), "-o", "-"],
        capture_output=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(b"%PDF-") and proc.stdout.rstrip().endswith(b"%%EOF")
    assert not Path("-").exists()


def test_dash_pdf_to_a_terminal_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    with pytest.raises(UsageError, match="not written to a terminal"):
        check_output("-", binary=True)


def _default_signals() -> None:
    """In the child: the default actions, whatever the shell running the tests ignores."""
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, signal.SIG_DFL)


def _ignore_hangup() -> None:
    """In the child: SIGHUP ignored, as ``nohup`` leaves it."""
    _default_signals()
    signal.signal(signal.SIGHUP, signal.SIG_IGN)


def _slow_convert(tmp_path: Path, seconds: int = 3) -> tuple[str, Path]:
    """A convert whose writing waits ``seconds`` after saying it started; its code and output."""
    out = tmp_path / "out.json"
    started, source = str(tmp_path / "started"), str(EXAMPLES / "chronic-overuse.json")
    code = (
        "import time, fhirmig.fhir.bundle as b\n"
        "orig = b.write_bundle\n"
        "def slow(*a, **k):\n"
        f"    open({started!r}, 'w').close()\n"
        f"    time.sleep({seconds})\n"
        "    return orig(*a, **k)\n"
        "import fhirmig.fhir.convert as c\n"
        "c.write_bundle = slow\n"
        "from fhirmig.cli import main\n"
        f"main(['convert', {source!r}, '-o', {str(out)!r}])\n"
    )
    return code, out


def _start_and_wait(
    code: str,
    started: Path,
    preexec: Callable[[], None] = _default_signals,
    env: dict[str, str] | None = None,
    wait: float = 60,
) -> subprocess.Popen[bytes]:
    """Run ``code`` in a child and return once it has made ``started`` (at most ``wait`` s)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stderr=subprocess.PIPE, env=env, preexec_fn=preexec
    )
    deadline = time.monotonic() + wait
    while not started.exists():
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.05)
    return proc


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_during_convert_leaves_no_temporary_file(tmp_path: Path, sig: int) -> None:
    """Kill convert while it writes (slowed down), then look for its temporary file."""
    code, out = _slow_convert(tmp_path, seconds=30)
    proc = _start_and_wait(code, tmp_path / "started")
    assert _leftovers(tmp_path)  # the temporary file exists while it writes
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == (130 if sig == signal.SIGINT else 128 + sig)
    assert b"Traceback" not in err
    assert _leftovers(tmp_path) == [] and not out.exists()


def test_an_ignored_hangup_stays_ignored(tmp_path: Path) -> None:
    """Under ``nohup`` a closed terminal must not end a run: SIGHUP is left ignored."""
    code, out = _slow_convert(tmp_path)
    proc = _start_and_wait(code, tmp_path / "started", preexec=_ignore_hangup)
    proc.send_signal(signal.SIGHUP)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert json.loads(out.read_text())["resourceType"] == "Bundle"
    assert _leftovers(tmp_path) == []


def test_dash_is_standard_output_for_every_text_output(tmp_path: Path, key: Path) -> None:
    """import, deidentify, convert --to diary and the upload receipt: '-' is stdout."""
    diary_path = EXAMPLES / "chronic-overuse.json"
    code, out, err = run(
        "import", "daily-csv", str(DATA / "daily_wearable.csv"), "-o", "-", "--patient-id", "p"
    )
    assert code == 0, err
    assert json.loads(out)["patient"]["id"] == "p" and "wrote standard output" in err
    code, out, err = run("deidentify", str(diary_path), "-o", "-", "--key-file", str(key))
    assert code == 0, err
    assert json.loads(out)["deidentified"] is True
    bundle = tmp_path / "b.json"
    assert run("convert", str(diary_path), "-o", str(bundle))[0] == 0
    code, out, err = run("convert", str(bundle), "--to", "diary", "-o", "-")
    assert code == 0, err
    assert json.loads(out)["format"] == "fhirmig-diary/1"
    from tests.upload.loopback import loopback, send_json
    from tests.upload.mockserver import capability

    def empty_server(handler: Any) -> None:  # a dry run reads the server
        metadata = handler.path.startswith("/fhir/metadata")
        send_json(handler, 200, capability() if metadata else {"resourceType": "Bundle"})

    with loopback(empty_server) as server:
        code, out, err = run(
            "upload", str(diary_path), "--server", server.url, "--dry-run", "--receipt", "-",
        )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["dryRun"] is True and "would create" in err
    assert not Path("-").exists()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_during_report_removes_its_private_folder(tmp_path: Path, sig: int) -> None:
    """The report is drafted in a private temporary folder; a kill must not leave it."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    started, source = str(tmp_path / "started"), str(EXAMPLES / "chronic-overuse.json")
    out = tmp_path / "r.pdf"
    code = (
        "import time, fhirmig.report.document as d\n"
        "orig = d.build_pdf\n"
        "def slow(*a, **k):\n"
        f"    open({started!r}, 'w').close()\n"
        "    time.sleep(30)\n"
        "    return orig(*a, **k)\n"
        "d.build_pdf = slow\n"
        "from fhirmig.cli import main\n"
        f"main(['report', {source!r}, '-o', {str(out)!r}])\n"
    )
    env = {**os.environ, "TMPDIR": str(tmp)}
    proc = _start_and_wait(code, Path(started), env=env, wait=120)
    assert [p.name for p in tmp.iterdir() if p.name.startswith("fhirmig-")]
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + sig and b"Traceback" not in err
    assert list(tmp.iterdir()) == [] and not out.exists()


@pytest.mark.parametrize(
    "args",
    [
        ["import", "migraine-buddy", str(DATA / "mb_standard.csv"), "--patient-id", "p"],
        ["convert", "BUNDLE", "--to", "diary"],
        ["deidentify", str(EXAMPLES / "chronic-overuse.json"), "--key-file", "KEY"],
    ],
    ids=lambda a: a[0],
)
def test_a_whole_diary_is_not_written_as_json_under_a_csv_name(
    tmp_path: Path, key: Path, args: list[str]
) -> None:
    """JSON in a file named .csv would be read as a broken CSV diary; the name is refused."""
    bundle = tmp_path / "b.json"
    assert run("convert", str(EXAMPLES / "chronic-overuse.json"), "-o", str(bundle))[0] == 0
    args = [str(bundle) if a == "BUNDLE" else str(key) if a == "KEY" else a for a in args]
    target = tmp_path / "diary.csv"
    code, _, err = run(*args, "-o", str(target))
    assert code == 2, err
    assert f"--output {target}:" in err or f"-o {target}:" in err
    assert "written as JSON (.json)" in err
    assert not target.exists()
