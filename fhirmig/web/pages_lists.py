"""The other parts of the diary: a new diary, the patient, medications, treatments, questionnaires.

Every save goes through the same store as an attack: the diary checks decide, the page
only shows their answer beside the field.
"""

from __future__ import annotations

import os
import re
from datetime import tzinfo
from pathlib import Path
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fhirmig.diary import FORMAT_VERSION, Diary, diary_to_json
from fhirmig.diary.drugs import drug_class, medication_codes
from fhirmig.diary.model import slug
from fhirmig.diary.timeparse import zone
from fhirmig.web.app import page, read_form, redirect, web_of
from fhirmig.web.fields import (
    HIT6_LABELS,
    MEDICATION,
    PATIENT,
    QUESTIONNAIRE,
    TREATMENT,
    Field,
    FormSpec,
)
from fhirmig.web.forms import entry_from_form, field_names, problems_at, shown_values
from fhirmig.web.store import Refused
from fhirmig.web.uploads import Form

__all__ = ["ROUTES", "local_zone", "questionnaire_items", "suggest_patient_id"]

_ID_FIELD = Field(
    "id",
    "Patient id",
    required=True,
    hint="Suggested from your name and birth date; you may change it. It cannot be changed later.",
)
NEW_DIARY = FormSpec((*PATIENT.fields[:3], _ID_FIELD, *PATIENT.fields[3:]))


def local_zone() -> str:
    """This computer's IANA time zone (``TZ`` or /etc/localtime), else ``UTC``."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    try:
        candidates.append(str(Path("/etc/localtime").resolve()).split("zoneinfo/", 1)[1])
    except (OSError, IndexError):
        pass
    for name in candidates:
        try:
            if name:
                zone(name)
                return name
        except ValueError:
            continue
    return "UTC"


def suggest_patient_id(given: str, family: str, birth: str) -> str:
    """``anna-berg-1985-02-14`` from the name and birth date (the patient may change it)."""
    parts = [slug(f"{given} {family}") if (given or family).strip() else "patient"]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", birth.strip()):
        parts.append(birth.strip())
    return "-".join(parts)


def _patient_data(form: Form, base: dict[str, Any]) -> dict[str, Any]:
    entry = entry_from_form(PATIENT, form, {})
    patient = {k: v for k, v in base.items() if k in ("id", "identifiers")}
    name: dict[str, Any] = {}
    if given := entry.pop("given", None):
        name["given"] = str(given).split()
    if family := entry.pop("family", None):
        name["family"] = family
    if name:
        patient["name"] = name
    patient.update(entry)
    return patient


def _patient_shown(patient: dict[str, Any]) -> dict[str, Any]:
    name = patient.get("name") or {}
    return {
        **patient,
        "given": " ".join(name.get("given", [])),
        "family": name.get("family", ""),
    }


def _form(
    request: Request,
    template: str,
    spec: FormSpec,
    entry: dict[str, Any],
    tz: tzinfo,
    diary: Diary | None,
    *,
    title: str,
    problems: tuple[Any, ...] = (),
    prefix: str = "",
    **extra: Any,
) -> Response:
    shown = shown_values(spec, entry, tz)
    known = [*field_names(spec, shown), *(f"items[{i}]" for i in range(7)), "items"]
    errors, general = problems_at(problems, prefix, known)
    meds = [(m.id, m.name) for m in diary.medications] if diary else []
    return page(
        request,
        template,
        status=422 if problems else 200,
        spec=spec,
        shown=shown,
        errors=errors,
        general=general,
        choices={"medication": meds},
        action=request.url.path,
        title=title,
        entry=entry,
        **extra,
    )


async def new_diary(request: Request) -> Response:
    """The short form that starts a diary: patient id, name, birth date, sex, zone, language."""
    web = web_of(request)
    form = await read_form(request) if request.method == "POST" else None
    if web.store.exists():
        return redirect("/")
    entry: dict[str, Any] = {"timezone": local_zone(), "language": "en"}
    problems: tuple[Any, ...] = ()
    if form is not None:
        patient = _patient_data(form, {})
        ident = form.get("id") or suggest_patient_id(
            form.get("given"), form.get("family"), form.get("birthDate")
        )
        patient = {"id": ident, **patient}
        try:
            web.store.create({"format": FORMAT_VERSION, "patient": patient})
            return redirect("/", "created")
        except Refused as exc:
            problems = exc.problems
            entry = _patient_shown(patient)
    return _form(
        request,
        "new.html",
        NEW_DIARY,
        entry,
        zone("UTC"),
        None,
        title="Start your diary",
        problems=problems,
        prefix="patient",
        path=_shown_path(web.store.path),
    )


def _shown_path(path: Path) -> str:
    """The diary's path as the patient gave it: relative to the current folder when inside."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


async def patient_page(request: Request) -> Response:
    """The patient's own details (the id stays: it seeds every FHIR id)."""
    web = web_of(request)
    if not web.store.exists():
        return redirect("/new")
    diary = web.store.load()
    data = diary_to_json(diary)["patient"]
    problems: tuple[Any, ...] = ()
    if request.method == "POST":
        form = await read_form(request)
        patient = _patient_data(form, data)

        def edit(raw: dict[str, Any]) -> None:
            raw["patient"] = patient

        try:
            web.store.change(edit)
            return redirect("/patient", "patient")
        except Refused as exc:
            problems, data = exc.problems, patient
    return _form(
        request,
        "patient.html",
        PATIENT,
        _patient_shown(data),
        diary.patient.tz,
        diary,
        title="About you",
        problems=problems,
        prefix="patient",
        patient_id=diary.patient.id,
        path=_shown_path(web.store.path),
    )


def _classified(entry: dict[str, Any]) -> dict[str, Any]:
    """A medication whose kind was left to its name: the drug table's class and codes."""
    name = entry.get("name")
    if "class" in entry or not isinstance(name, str) or not name.strip():
        return entry
    found = drug_class(name)
    if found == "other":
        return entry
    return {**medication_codes(name, found), **entry, "class": found}


def _unique(base: str, taken: set[str]) -> str:
    ident, n = base, 2
    while ident in taken:
        ident, n = f"{base}-{n}", n + 1
    return ident


def _listed(section: str, spec: FormSpec, template: str, done: str, title: str) -> Any:
    """A page listing one catalogue section, with its add and change form (by id)."""

    async def view(request: Request) -> Response:
        web = web_of(request)
        if not web.store.exists():
            return redirect("/new")
        diary = web.store.load()
        items: list[dict[str, Any]] = diary_to_json(diary).get(section, [])
        ident = request.path_params.get("ident")
        index = next((i for i, it in enumerate(items) if it.get("id") == ident), None)
        if ident is not None and index is None:
            raise HTTPException(404, "There is no such entry in the diary.")
        entry = items[index] if index is not None else {}
        problems: tuple[Any, ...] = ()
        if request.method == "POST":
            form = await read_form(request)
            entry = entry_from_form(spec, form, entry)
            if section == "medications":
                entry = _classified(entry)
            if index is None:
                name = str(entry.get("name") or entry.get("type") or "item")
                entry = {"id": _unique(slug(name), {str(i.get("id")) for i in items}), **entry}

            def edit(raw: dict[str, Any]) -> None:
                listed = raw.setdefault(section, [])
                if index is None:
                    listed.append(entry)
                else:
                    listed[index] = entry

            try:
                web.store.change(edit)
                return redirect(f"/{section}", done)
            except Refused as exc:
                problems = exc.problems
        where = index if index is not None else len(items)
        return _form(
            request,
            template,
            spec,
            entry,
            diary.patient.tz,
            diary,
            title=title,
            problems=problems,
            prefix=f"{section}[{where}]",
            items=items,
            ident=ident,
        )

    return view


def questionnaire_items(form: Form, instrument: str) -> list[Any]:
    """The answers typed, as numbers where they are; trailing empty answers left out."""
    count = 7 if instrument == "MIDAS" else 6
    raw = [form.get(f"items[{i}]") for i in range(count)]
    while raw and not raw[-1] and (instrument != "MIDAS" or len(raw) > 5):
        raw.pop()
    return [int(x) if re.fullmatch(r"\d{1,3}", x) else x for x in raw]


async def questionnaires(request: Request) -> Response:
    """MIDAS and HIT-6 results, with the item answers."""
    web = web_of(request)
    if not web.store.exists():
        return redirect("/new")
    diary = web.store.load()
    items: list[dict[str, Any]] = diary_to_json(diary).get("questionnaires", [])
    index: int | None = request.path_params.get("index")
    if index is not None and not 0 <= index < len(items):
        raise HTTPException(404, "There is no such entry in the diary.")
    instrument = request.query_params.get("instrument", "MIDAS")
    if index is not None:
        instrument = str(items[index]["instrument"])
    if instrument not in ("MIDAS", "HIT-6"):
        instrument = "MIDAS"
    entry: dict[str, Any] = dict(items[index]) if index is not None else {"instrument": instrument}
    if entry.get("items"):
        # the total is added up again from the answers shown, so a changed answer
        # does not leave an old total that disagrees with it
        entry.pop("score", None)
    problems: tuple[Any, ...] = ()
    if request.method == "POST":
        form = await read_form(request)
        answers = questionnaire_items(form, instrument)
        entry = entry_from_form(QUESTIONNAIRE, form, entry)
        entry.pop("items", None)
        if any(a != "" for a in answers):
            entry["items"] = answers
            scored = answers[:5] if instrument == "MIDAS" else answers
            if "score" not in entry and all(isinstance(a, int) for a in scored):
                entry["score"] = sum(scored)

        def edit(raw: dict[str, Any]) -> None:
            listed = raw.setdefault("questionnaires", [])
            if index is None:
                listed.append(entry)
            else:
                listed[index] = entry

        try:
            web.store.change(edit)
            return redirect("/questionnaires", "questionnaire")
        except Refused as exc:
            problems = exc.problems
    return _form(
        request,
        "questionnaires.html",
        QUESTIONNAIRE,
        entry,
        diary.patient.tz,
        diary,
        title="Questionnaires",
        problems=problems,
        prefix=f"questionnaires[{len(items) if index is None else index}]",
        items=sorted(enumerate(items), key=lambda pair: str(pair[1]["date"]), reverse=True),
        index=index,
        instrument=instrument,
        hit6=HIT6_LABELS,
        answers={f"items[{i}]": str(v) for i, v in enumerate(entry.get("items", []))},
    )


async def questionnaire_delete(request: Request) -> Response:
    """Remove a questionnaire result, once the patient has confirmed."""
    form = await read_form(request)
    index: int = request.path_params["index"]
    web = web_of(request)
    items = diary_to_json(web.store.load()).get("questionnaires", [])
    if not 0 <= index < len(items):
        raise HTTPException(404, "There is no such entry in the diary.")
    if form.get("confirm") != "yes":
        what = f"the {items[index]['instrument']} result of {items[index]['date']}"
        return page(request, "confirm.html", title="Delete?", what=what, back="/questionnaires")

    def edit(raw: dict[str, Any]) -> None:
        del raw["questionnaires"][index]

    web.store.change(edit)
    return redirect("/questionnaires", "questionnaire-deleted")


_medications = _listed("medications", MEDICATION, "medications.html", "medication", "Medications")
_treatments = _listed("treatments", TREATMENT, "treatments.html", "treatment", "Treatments")

ROUTES = [
    Route("/new", new_diary, methods=["GET", "POST"]),
    Route("/patient", patient_page, methods=["GET", "POST"]),
    Route("/medications", _medications, methods=["GET", "POST"]),
    Route("/medications/{ident}", _medications, methods=["GET", "POST"]),
    Route("/treatments", _treatments, methods=["GET", "POST"]),
    Route("/treatments/{ident}", _treatments, methods=["GET", "POST"]),
    Route("/questionnaires", questionnaires, methods=["GET", "POST"]),
    Route("/questionnaires/{index:int}", questionnaires, methods=["GET", "POST"]),
    Route("/questionnaires/{index:int}/delete", questionnaire_delete, methods=["POST"]),
]
