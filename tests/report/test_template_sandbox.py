"""Report templates are sealed: no link or outside file is read, and a render is bounded.

A hostile ``--templates`` folder must not put another file into the PDF, hang the report
(or the web server's worker thread) or allocate gigabytes, and every failure names the
template and line that caused it.
"""

from __future__ import annotations

import threading
import time
from datetime import date
from pathlib import Path

import pytest

from fhirmig.diary import read_diary
from fhirmig.errors import ReportError
from fhirmig.report import load_organisations, render_report
from fhirmig.report.content import render_template
from fhirmig.report.sandbox import TemplateLimits
from tests.report.pdfhelp import EXAMPLES

CANARY = "CANARY-3f9a-not-a-template"
FAST = TemplateLimits(seconds=0.5)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "secret.txt").write_text(CANARY)
    templates = tmp_path / "templates"
    templates.mkdir()
    return templates


def _render(folder: Path, body: str, limits: TemplateLimits = FAST) -> str:
    (folder / "t.md.j2").write_text(body)
    return render_template("t.md.j2", {"who": "you"}, folder, limits=limits)


def test_a_symlinked_template_is_refused(folder: Path) -> None:
    (folder / "methods.md.j2").symlink_to(folder.parent / "secret.txt")
    with pytest.raises(ReportError, match=r"methods\.md\.j2: is a symbolic link") as caught:
        render_template("methods.md.j2", {}, folder)
    assert CANARY not in str(caught.value)


def test_an_included_symlink_is_refused_naming_the_includer(folder: Path) -> None:
    (folder / "part.md.j2").symlink_to(folder.parent / "secret.txt")
    with pytest.raises(ReportError) as caught:
        _render(folder, "# Title\n{% include 'part.md.j2' %}\n")
    message = str(caught.value)
    assert message.startswith(f"{folder / 't.md.j2'}, line 2: refused:")
    assert "part.md.j2: is a symbolic link" in message and CANARY not in message


def test_a_symlinked_subfolder_is_refused(folder: Path) -> None:
    (folder / "sub").symlink_to(folder.parent)
    with pytest.raises(ReportError, match="sub: is a symbolic link"):
        _render(folder, "{% include 'sub/secret.txt' %}")


def test_a_symlinked_organisations_list_is_refused(folder: Path) -> None:
    (folder / "organisations.json").symlink_to(folder.parent / "secret.txt")
    with pytest.raises(ReportError, match=r"organisations\.json: is a symbolic link"):
        load_organisations(folder)


def test_the_report_with_a_symlinked_template_writes_nothing(folder: Path) -> None:
    (folder / "methods.md.j2").symlink_to(folder.parent / "secret.txt")
    out = folder.parent / "r.pdf"
    diary = read_diary(EXAMPLES / "chronic-overuse.json")
    with pytest.raises(ReportError, match="symbolic link"):
        render_report(diary, out, templates=folder, generated=date(2026, 11, 25))
    assert not out.exists()


def test_an_include_leaving_the_folder_names_the_including_template(folder: Path) -> None:
    with pytest.raises(ReportError) as caught:
        _render(folder, "line one\n\n{% include '../../etc/passwd' %}")
    assert str(caught.value) == (
        f"{folder / 't.md.j2'}, line 3: refused: ../../etc/passwd: names a file outside the "
        "templates folder (..)"
    )


def test_a_missing_include_names_the_including_template(folder: Path) -> None:
    with pytest.raises(ReportError) as caught:
        _render(folder, "{% include 'nowhere.md.j2' %}")
    assert str(caught.value) == (
        f"{folder / 't.md.j2'}, line 1: template 'nowhere.md.j2' not found in the templates folder"
    )


def test_a_syntax_error_in_an_include_names_the_included_template(folder: Path) -> None:
    (folder / "part.md.j2").write_text("fine\n{{ broken }\n")
    with pytest.raises(ReportError, match=r"part\.md\.j2, line 2: template error"):
        _render(folder, "{% include 'part.md.j2' %}")


def test_nested_loops_are_stopped_in_time(folder: Path) -> None:
    started = time.monotonic()
    with pytest.raises(ReportError) as caught:
        _render(
            folder,
            "{% for a in range(100000) %}\n{% for b in range(100000) %}{% endfor %}{% endfor %}",
        )
    assert time.monotonic() - started < 5
    assert str(caught.value).startswith(f"{folder / 't.md.j2'}, line 2: template stopped")
    assert "takes longer than 0.5 s to render" in str(caught.value)


def test_a_loop_in_a_worker_thread_is_stopped(folder: Path) -> None:
    (folder / "t.md.j2").write_text(
        "{% for a in 'x' * 100000 %}{% for b in 'y' * 100000 %}{{ b }}{% endfor %}{% endfor %}"
    )
    errors: list[BaseException] = []

    def work() -> None:
        try:
            render_template("t.md.j2", {}, folder, limits=TemplateLimits(seconds=0.5))
        except ReportError as exc:
            errors.append(exc)

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive()
    assert errors and "template stopped" in str(errors[0])


def test_exponential_macros_are_stopped_in_time(folder: Path) -> None:
    body = (
        "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(60) }}"
    )
    with pytest.raises(ReportError, match="takes longer than"):
        _render(folder, body)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("{{ 'a' * 2000000000 }}", "would make 2,000,000,000 characters"),
        ("{% set n = 2000000000 %}{{ n * 'a' }}", "would make 2,000,000,000 characters"),
        ("{{ ['a'] * 2000000000 }}", "would make 2,000,000,000 items"),
        ("{{ '%2000000000d' % 1 }}", "uses the number 2,000,000,000"),
        ("{{ '%*d' % (2000000000, 1) }}", "uses the number 2,000,000,000"),
        ("{{ '{:>2000000000}'.format(1) }}", "uses the number 2,000,000,000"),
        ("{{ '{:>{}}'.format(1, 2000000000) }}", "uses the number 2,000,000,000"),
        ("{{ 'a'.ljust(2000000000) }}", "uses the number 2,000,000,000"),
        ("{{ 'a'|center(2000000000) }}", "uses the number 2,000,000,000"),
        ("{{ '%2000000000d'|format(1) }}", "uses the number 2,000,000,000"),
        ("{{ ('a' * 100000)|replace('a', 'b' * 100000) }}", "would make 10,000,000,000"),
        ("{{ ('a' * 100000).replace('a', 'b' * 100000) }}", "would make 10,000,000,000"),
        ("{{ (['a' * 999999] * 100000)|join }}", "would make"),
        ("{{ ('x' * 999999).join(['a' * 999999] * 3) }}", "would make"),
        (r"{{ ('a\n' * 500000)|indent('b' * 100) }}", "would make"),
        ("{{ 'x'.translate({120: 'y' * 1000000}) }}", "calls str.translate"),
        (r"{{ ('\t' * 999999).expandtabs(999999) }}", "calls str.expandtabs"),
        ("{{ 2 ** 100000000 }}", "would make a number of 200,000,000 bits"),
        ("{{ [[1]]|sum(start=[]) }}", "sum starts from a number"),
        (
            "{% set s = 'aaaaaaaaaaaaaaaa' %}" + "{% set s = s ~ s %}" * 40 + "{{ s|length }}",
            "makes a text of 1,048,576 characters",
        ),
        (
            "{% macro m() %}{% for i in range(100000) %}{{ 'a' * 100000 }}{% endfor %}"
            "{% endmacro %}{% set x = m() %}ok",
            "writes more than 1,000,000 characters",
        ),
        ("{% for i in range(100000) %}" + "x" * 100 + "{% endfor %}", "writes more than"),
    ],
)
def test_huge_values_are_refused_before_they_are_made(folder: Path, body: str, reason: str) -> None:
    started = time.monotonic()
    with pytest.raises(ReportError) as caught:
        _render(folder, body)
    assert time.monotonic() - started < 3
    message = str(caught.value)
    assert message.startswith(f"{folder / 't.md.j2'}, line 1: template stopped: it ")
    assert reason in message


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("{{ 1 / 0 }}", "ZeroDivisionError"),
        ("{{ 10.0 ** 1000 }}", "OverflowError"),
        ("{{ lipsum(5) }}", "'lipsum' is undefined"),
        ("{{ [1, 2]|random }}", "No filter named 'random'"),
    ],
)
def test_any_template_failure_is_a_report_error_naming_it(
    folder: Path, body: str, expected: str
) -> None:
    with pytest.raises(ReportError, match=r"t\.md\.j2, line 1: template error") as caught:
        _render(folder, body)
    assert expected in str(caught.value)


def test_ordinary_templates_still_work(folder: Path) -> None:
    (folder / "part.md.j2").write_text("[{{ who }}]")
    body = (
        "{% for x in range(3) %}{{ loop.index }}-{{ x }} {% endfor %}"
        "{{ ['a', 'b']|join(', ') }} {{ '%s!' % who }} {{ 'Ab'.lower() }} "
        "{{ '{} {}'.format(1, 2) }} {{ 'a' * 3 }} {% include 'part.md.j2' %} "
        "{{ ('x' * 200000)|length }} {{ 'a b'|replace(' ', '_') }} {{ 2 ** 10 }}"
        "{% set ns = namespace(n=0) %}{% for i in range(5) %}{% set ns.n = ns.n + i %}"
        "{% endfor %} {{ ns.n }}"
    )
    assert _render(folder, body) == "1-0 2-1 3-2 a, b you! ab 1 2 aaa [you] 200000 a_b 1024 10"
