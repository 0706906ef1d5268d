"""The diary page, and the forms that log or change an attack or a day.

Each save builds the entry's JSON data from the form, puts it into the diary's data and
hands the whole diary to :class:`fhirmig.web.store.DiaryStore`, which checks it exactly as
``fhirmig validate`` does and writes only a diary that passes. A refused save shows the
form again, as typed, with each problem beside its field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import tzinfo
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fhirmig.diary import Diary, diary_to_json
from fhirmig.web.app import page, read_form, redirect, web_of
from fhirmig.web.fields import ATTACK, DAY, FormSpec, Group
from fhirmig.web.forms import entry_from_form, field_names, problems_at, shown_values
from fhirmig.web.store import DiaryStore, Refused
from fhirmig.web.uploads import Form

__all__ = ["LATEST_DAYS", "ROUTES", "month_of", "new_attack_id"]

#: Daily entries listed when no month is chosen (the latest ones; a month shows all of its).
LATEST_DAYS = 31


def month_of(diary: Diary) -> Callable[[Any], str]:
    """A function giving the ``YYYY-MM`` of an attack's start in the patient's zone."""
    tz = diary.patient.tz
    return lambda attack: attack.start.astimezone(tz).strftime("%Y-%m")


def _diary_or_new(request: Request) -> Diary | Response:
    web = web_of(request)
    if not web.store.exists():
        return redirect("/new")
    return web.store.load()


async def diary_page(request: Request) -> Response:
    """The list of attacks and days, newest first, optionally one month only."""
    loaded = _diary_or_new(request)
    if isinstance(loaded, Response):
        return loaded
    diary = loaded
    tz = diary.patient.tz
    month = request.query_params.get("month", "")
    if month and not re.fullmatch(r"\d{4}-\d{2}", month):
        month = ""
    attack_month = month_of(diary)
    months = sorted(
        {attack_month(a) for a in diary.attacks} | {d.date.strftime("%Y-%m") for d in diary.days},
        reverse=True,
    )
    attacks = sorted(diary.attacks, key=lambda a: a.start, reverse=True)
    days = sorted(diary.days, key=lambda d: d.date, reverse=True)
    more_days = 0
    if month:
        attacks = [a for a in attacks if attack_month(a) == month]
        days = [d for d in days if d.date.strftime("%Y-%m") == month]
    elif len(days) > LATEST_DAYS:
        days, more_days = days[:LATEST_DAYS], len(days) - LATEST_DAYS
    names = {m.id: m.name for m in diary.medications}
    return page(
        request,
        "diary.html",
        diary=diary,
        tz=tz,
        attacks=attacks,
        days=days,
        months=months,
        month=month,
        more_days=more_days,
        med_names=names,
        title="Your headache diary",
    )


def _choices(diary: Diary | None) -> dict[str, list[tuple[str, str]]]:
    meds = [(m.id, m.name) for m in diary.medications] if diary else []
    return {"medications.medication": meds, "medication": meds}


def _spares(form: Form | None, spec: FormSpec) -> dict[str, int]:
    """Empty rows per group: the group's default, one more when "add another" was pressed."""
    more = form.get("action").removeprefix("more:") if form else ""
    return {
        g.name: g.spare + (1 if g.name == more else 0) for g in spec.fields if isinstance(g, Group)
    }


def _form_page(
    request: Request,
    *,
    spec: FormSpec,
    template: str,
    entry: dict[str, Any],
    tz: tzinfo,
    diary: Diary | None,
    action: str,
    title: str,
    problems: tuple[Any, ...] = (),
    prefix: str = "",
    form: Form | None = None,
    status: int = 200,
    **extra: Any,
) -> Response:
    spares = _spares(form, spec)
    shown = shown_values(spec, entry, tz, spares)
    errors, general = problems_at(problems, prefix, field_names(spec, shown))
    return page(
        request,
        template,
        status=status,
        spec=spec,
        shown=shown,
        errors=errors,
        general=general,
        choices=_choices(diary),
        action=action,
        title=title,
        entry=entry,
        **extra,
    )


def new_attack_id(entry: dict[str, Any], taken: set[str]) -> str:
    """An id for a new attack from its start (``a-20261003-0740``), unique in the diary."""
    digits = re.sub(r"\D", "", str(entry.get("start", "")))
    base = f"a-{digits[:8]}-{digits[8:12]}" if len(digits) >= 12 else "a-new"
    ident, n = base, 2
    while ident in taken:
        ident, n = f"{base}-{n}", n + 1
    return ident


def _find(items: list[dict[str, Any]], key: str, value: str) -> int:
    for i, item in enumerate(items):
        if str(item.get(key)) == value:
            return i
    raise HTTPException(404, "There is no such entry in the diary.")


async def attack_form(request: Request) -> Response:
    """Show the form for a new attack or for the attack ``{id}``."""
    loaded = _diary_or_new(request)
    if isinstance(loaded, Response):
        return loaded
    diary = loaded
    ident = request.path_params.get("ident")
    entry: dict[str, Any] = {}
    if ident is not None:
        raw = diary_to_json(diary).get("attacks", [])
        entry = raw[_find(raw, "id", ident)]
    return _form_page(
        request,
        spec=ATTACK,
        template="attack.html",
        entry=entry,
        tz=diary.patient.tz,
        diary=diary,
        action=request.url.path,
        title="Change the attack" if ident else "Log an attack",
        ident=ident,
    )


async def attack_save(request: Request) -> Response:
    """Save the posted attack: into the diary if it passes the checks, else the form again."""
    form = await read_form(request)
    web = web_of(request)
    diary = web.store.load()
    ident = request.path_params.get("ident")
    attacks = diary_to_json(diary).get("attacks", [])
    index = _find(attacks, "id", ident) if ident else len(attacks)
    base = attacks[index] if ident else {}
    entry = entry_from_form(ATTACK, form, base)
    if not ident:
        entry = {"id": new_attack_id(entry, {a.id for a in diary.attacks}), **entry}
    problems: tuple[Any, ...] = ()
    if not form.get("action").startswith("more:"):
        problems = _save_entry(web.store, "attacks", index, entry, replace=bool(ident))
        if not problems:
            return redirect("/", "attack")
    return _form_page(
        request,
        spec=ATTACK,
        template="attack.html",
        entry=entry,
        tz=diary.patient.tz,
        diary=diary,
        action=request.url.path,
        title="Change the attack" if ident else "Log an attack",
        problems=problems,
        prefix=f"attacks[{index}]",
        form=form,
        status=422 if problems else 200,
        ident=ident,
    )


def _save_entry(
    store: DiaryStore, key: str, index: int, entry: dict[str, Any], *, replace: bool
) -> tuple[Any, ...]:
    """Put ``entry`` at ``key[index]`` (or append it) and save; the problems if refused.

    The attack and day forms save the same way: the whole diary goes through the checks,
    and a refusal leaves the file as it was and returns what to show beside the fields.
    """

    def edit(data: dict[str, Any]) -> None:
        listed = data.setdefault(key, [])
        if replace:
            listed[index] = entry
        else:
            listed.append(entry)

    try:
        store.change(edit)
    except Refused as exc:
        return tuple(exc.problems)
    return ()


def _confirm(request: Request, what: str, back: str) -> Response:
    return page(request, "confirm.html", title="Delete?", what=what, back=back)


async def attack_delete(request: Request) -> Response:
    """Remove the attack ``{id}`` from the diary, once the patient has confirmed."""
    form = await read_form(request)
    ident = request.path_params["ident"]
    if form.get("confirm") != "yes":
        diary = web_of(request).store.load()
        attack = next((a for a in diary.attacks if a.id == ident), None)
        if attack is None:
            raise HTTPException(404, "There is no such entry in the diary.")
        when = attack.start.astimezone(diary.patient.tz).strftime("%a %d %b %Y, %H:%M")
        return _confirm(request, f"the attack of {when}", f"/attacks/{ident}")

    def edit(data: dict[str, Any]) -> None:
        listed = data.get("attacks", [])
        del listed[_find(listed, "id", ident)]

    web_of(request).store.change(edit)
    return redirect("/", "attack-deleted")


async def day_form(request: Request) -> Response:
    """Show the form for a new day entry or for the day ``{day}``."""
    loaded = _diary_or_new(request)
    if isinstance(loaded, Response):
        return loaded
    diary = loaded
    day = request.path_params.get("day")
    entry: dict[str, Any] = {}
    if day is not None:
        raw = diary_to_json(diary).get("days", [])
        entry = raw[_find(raw, "date", day)]
    return _form_page(
        request,
        spec=DAY,
        template="day.html",
        entry=entry,
        tz=diary.patient.tz,
        diary=diary,
        action=request.url.path,
        title=f"Day {day}" if day else "Log a day",
        day=day,
    )


async def day_save(request: Request) -> Response:
    """Save the posted day entry if the diary passes the checks with it."""
    form = await read_form(request)
    web = web_of(request)
    diary = web.store.load()
    day = request.path_params.get("day")
    days = diary_to_json(diary).get("days", [])
    index = _find(days, "date", day) if day else len(days)
    entry = entry_from_form(DAY, form, days[index] if day else {})
    problems = _save_entry(web.store, "days", index, entry, replace=bool(day))
    if not problems:
        return redirect("/", "day")
    return _form_page(
        request,
        spec=DAY,
        template="day.html",
        entry=entry,
        tz=diary.patient.tz,
        diary=diary,
        action=request.url.path,
        title=f"Day {day}" if day else "Log a day",
        problems=problems,
        prefix=f"days[{index}]",
        form=form,
        status=422,
        day=day,
    )


async def day_delete(request: Request) -> Response:
    """Remove the day entry ``{day}``, once the patient has confirmed."""
    form = await read_form(request)
    day = request.path_params["day"]
    if form.get("confirm") != "yes":
        return _confirm(request, f"the entry of {day}", f"/days/{day}")

    def edit(data: dict[str, Any]) -> None:
        listed = data.get("days", [])
        del listed[_find(listed, "date", day)]

    web_of(request).store.change(edit)
    return redirect("/", "day-deleted")


ROUTES = [
    Route("/", diary_page),
    Route("/attacks/new", attack_form, methods=["GET"]),
    Route("/attacks/new", attack_save, methods=["POST"]),
    Route("/attacks/{ident}", attack_form, methods=["GET"]),
    Route("/attacks/{ident}", attack_save, methods=["POST"]),
    Route("/attacks/{ident}/delete", attack_delete, methods=["POST"]),
    Route("/days/new", day_form, methods=["GET"]),
    Route("/days/new", day_save, methods=["POST"]),
    Route("/days/{day}", day_form, methods=["GET"]),
    Route("/days/{day}", day_save, methods=["POST"]),
    Route("/days/{day}/delete", day_delete, methods=["POST"]),
]
