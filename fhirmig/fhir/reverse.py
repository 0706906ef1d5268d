"""fhirmig's FHIR back into a diary: the inverse of :mod:`fhirmig.fhir.mapping`.

Records are recognised by the system of their business identifier
(``https://fhirmig.org/fhir/sid/<kind>``), values by the fhirmig coding of the terminology
table (free text by ``text``). Lists come back in the order the resources are read, the
symptoms and twitches of an attack in its ``hasMember`` order. The result is checked like
any diary read from a file; a resource that does not fit raises :class:`MappingError`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from fhirmig.diary.fields import ATTACK_FIELDS, DAY_FIELDS, json_name
from fhirmig.diary.model import FORMAT_VERSION, Diary
from fhirmig.errors import DiaryError, MappingError
from fhirmig.fhir.daily import DAY_FACTORS, INSTRUMENT_KEYS
from fhirmig.fhir.fields import ATTACK_COMPONENTS, Component
from fhirmig.fhir.ids import extension_url, record_id_of, record_kind_of
from fhirmig.fhir.profiles import DATA_ABSENT_REASON
from fhirmig.fhir.terminology import coding, key_of, local_key
from fhirmig.wording import excerpt

__all__ = ["resources_to_diary"]

_INSTRUMENTS = {v: k for k, v in INSTRUMENT_KEYS.items()}
_DAY_FIELDS = {key: (field, kind) for field, (key, kind, *_) in DAY_FACTORS.items()}
_CAMEL = {name: key for name, (key, _sample) in DAY_FIELDS.items()}
#: component code -> the attack field it carries
_COMPONENT_OF = {coding(*spec.code)["code"]: spec for spec in ATTACK_COMPONENTS}
#: attack fields that hold a list (one component per item)
_LISTS = frozenset(f.name for f in ATTACK_FIELDS if isinstance(f.sample, list))


def _code(vocabulary: str, key: str) -> str:
    return str(coding(vocabulary, key)["code"])


def _ext(res: dict[str, Any], name: str) -> list[Any]:
    url = extension_url(name)
    out: list[Any] = []
    for e in res.get("extension", ()):
        if e.get("url") == url:
            out.extend(v for k, v in e.items() if k.startswith("value"))
    return out


def _first(values: list[Any]) -> Any:
    return values[0] if values else None


def _note(res: dict[str, Any]) -> str | None:
    notes = res.get("note")
    return notes[0].get("text") if notes else None


def _absent(element: Any) -> bool:
    """Whether an element carries a data-absent-reason (a value fhirmig did not have)."""
    exts = element.get("extension", ()) if isinstance(element, dict) else ()
    return any(isinstance(e, dict) and e.get("url") == DATA_ABSENT_REASON for e in exts)


def _derived(period: Any) -> bool:
    """Whether a Period's end (or whole span) was computed, not recorded in the diary."""
    return bool(_ext(period, "derived-from")) if isinstance(period, dict) else False


def _component_value(spec: Component, comp: dict[str, Any]) -> Any:
    """The diary value of one attack component (the inverse of the attack mapping)."""
    if spec.value == "integer":
        return comp.get("valueInteger")
    if spec.value == "boolean":
        return comp.get("valueBoolean")
    if spec.value == "minutes":
        return comp["valueQuantity"]["value"]
    if spec.value == "string":
        return comp.get("valueString")
    vocabulary = str(spec.vocabulary)
    value = comp.get("valueCodeableConcept", {})
    if spec.value == "relief":
        relief: dict[str, Any] = {"method": key_of(vocabulary, value)}
        _put(relief, "effect", _first(_ext(comp, "effect")))
        return relief
    return local_key(vocabulary, value) if spec.closed else key_of(vocabulary, value)


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        target[key] = value


class _Reader:
    def __init__(self, resources: Iterable[dict[str, Any]], source: str) -> None:
        self.source = source
        self.by_ref: dict[str, dict[str, Any]] = {}
        self.kinds: list[tuple[str, dict[str, Any]]] = []
        self.patients: list[dict[str, Any]] = []
        for res in resources:
            self.by_ref[f"{res.get('resourceType')}/{res.get('id')}"] = res
            if res.get("resourceType") == "Patient":
                self.patients.append(res)
                continue
            idents = res.get("identifier") or [{}]
            if not isinstance(idents, list) or not all(isinstance(i, dict) for i in idents):
                raise self.fail(res, "identifier is not a list of Identifier objects")
            kind = record_kind_of(str(idents[0].get("system", "")))
            if kind is not None:
                self.kinds.append((kind, res))

    def fail(self, res: dict[str, Any], message: str) -> MappingError:
        where = f"{res.get('resourceType')}/{res.get('id')}"
        return MappingError(f"{self.source}: {where}: {message}")

    def record_id(self, res: dict[str, Any]) -> str:
        return record_id_of(str(res["identifier"][0].get("value", "")))[1]

    def target(self, res: dict[str, Any], ref: Any) -> dict[str, Any]:
        found = self.by_ref.get(ref.get("reference", "") if isinstance(ref, dict) else "")
        if found is None:
            raise self.fail(res, f"reference {excerpt(ref)} points at no resource read")
        return found

    def patient(self) -> dict[str, Any]:
        if len(self.patients) != 1:
            raise MappingError(
                f"{self.source}: {len(self.patients)} Patient resources; a diary has exactly one"
            )
        res = self.patients[0]
        idents = res.get("identifier") or []
        if not idents:
            raise self.fail(res, "no identifier (the first one is the diary's patient id)")
        out: dict[str, Any] = {"id": idents[0].get("value")}
        if res.get("name"):
            name = res["name"][0]
            parts = {k: name[k] for k in ("given", "family") if k in name}
            if parts or _ext(name, "empty-name"):
                out["name"] = parts
        birth = res.get("birthDate")
        if isinstance(birth, str) and len(birth) == 4:
            birth += "-01-01"  # a de-identified year; the diary format holds full dates
        _put(out, "birthDate", birth)
        if not _absent(res.get("_gender")):
            _put(out, "sex", res.get("gender"))
        if len(idents) > 1:
            out["identifiers"] = [{"system": i["system"], "value": i["value"]} for i in idents[1:]]
        _put(out, "timezone", _first(_ext(res, "timezone")))
        addresses = res.get("address") or []
        if addresses and isinstance(addresses[0], dict):
            _put(out, "country", addresses[0].get("country"))
        comm = res.get("communication") or []
        if comm:
            _put(out, "language", comm[0]["language"]["coding"][0].get("code"))
        return out

    def components(self, res: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        out = []
        for comp in res.get("component", ()):
            codes = comp.get("code", {}).get("coding", [{}])
            out.append((str(codes[0].get("code")), comp))
        return out

    def condition(self, res: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.record_id(res)}
        code = res.get("code", {})
        _put(out, "code", local_key("condition", code))
        _put(out, "text", code.get("text"))
        _put(out, "onset", res.get("onsetDateTime"))
        out["clinicalStatus"] = res["clinicalStatus"]["coding"][0]["code"]
        out["verificationStatus"] = res["verificationStatus"]["coding"][0]["code"]
        _put(out, "note", _note(res))
        return out

    def medication(self, res: dict[str, Any]) -> dict[str, Any]:
        from fhirmig.fhir.patient import ATC, RXNORM

        code = res.get("code", {})
        out: dict[str, Any] = {"id": self.record_id(res), "name": code.get("text")}
        drug_class = local_key("drug-class", _first(_ext(res, "drug-class")))
        _put(out, "class", drug_class)
        for c in code.get("coding", ()):
            if _ext(c, "derived-from"):
                continue  # added from the drug table, not the diary's own code
            if c.get("system") == RXNORM:
                out["rxnorm"] = c.get("code")
            elif c.get("system") == ATC:
                out["atc"] = c.get("code")
        return out

    def twitch(self, res: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"location": key_of("body-site", res.get("bodySite", {}))}
        _put(out, "description", _note(res))
        for code, comp in self.components(res):
            if code == _code("observation", "twitch-intensity"):
                out["intensity"] = comp.get("valueInteger")
            elif code == _code("element", "symptom-severity") and "valueInteger" in comp:
                out["intensity"] = comp["valueInteger"]  # written so before severities were coded
            elif code == _code("element", "duration"):
                out["durationMinutes"] = comp["valueQuantity"]["value"]
        _put(out, "start", res.get("effectiveDateTime"))
        return out

    def attack(self, res: dict[str, Any]) -> dict[str, Any]:
        period = res.get("effectivePeriod", {})
        out: dict[str, Any] = {"id": self.record_id(res), "start": period.get("start")}
        if not _derived(period):
            _put(out, "end", period.get("end"))
        _put(out, "kind", local_key("attack-kind", res.get("valueCodeableConcept")))
        lists: dict[str, list[Any]] = {}
        for code, comp in self.components(res):
            spec = _COMPONENT_OF.get(code)
            if spec is None:
                continue
            value = _component_value(spec, comp)
            if spec.field in _LISTS:
                lists.setdefault(json_name(spec.field), []).append(value)
            else:
                out[json_name(spec.field)] = value
        for member in res.get("hasMember", ()):
            sub = self.target(res, member)
            kind = record_kind_of(str((sub.get("identifier") or [{}])[0].get("system", "")))
            if kind == "symptom":
                symptom = key_of("symptom", sub.get("valueCodeableConcept", {}))
                lists.setdefault("symptoms", []).append(symptom)
            elif kind == "twitch":
                lists.setdefault("twitching", []).append(self.twitch(sub))
            else:
                raise self.fail(res, f"hasMember {excerpt(member.get('reference'))} is no symptom")
        out.update(lists)
        _put(out, "notes", _note(res))
        extra = _first(_ext(res, "extra"))
        if extra is not None:
            try:
                out["extra"] = json.loads(extra)
            except ValueError:
                raise self.fail(res, "extension extra does not hold JSON") from None
        return out

    def intake(self, res: dict[str, Any], catalogue: dict[str, str]) -> tuple[str, dict[str, Any]]:
        reasons = res.get("reasonReference") or []
        if not reasons:
            raise self.fail(res, "an intake without reasonReference (its attack)")
        med_ref = str(res.get("medicationReference", {}).get("reference"))
        if med_ref not in catalogue:
            raise self.fail(
                res, f"medicationReference {excerpt(med_ref)} is not a catalogue Medication"
            )
        out: dict[str, Any] = {"medication": catalogue[med_ref]}
        _put(out, "taken", res.get("effectiveDateTime"))
        dosage = res.get("dosage") or [{}]
        _put(out, "dose", dosage[0].get("text"))
        _put(out, "relief", _first(_ext(res, "effect")))
        return str(reasons[0].get("reference")), out

    def _factor(self, res: dict[str, Any], code: str, holder: dict[str, Any]) -> tuple[str, Any]:
        key = code.removeprefix("observation.")
        if key not in _DAY_FIELDS:
            raise self.fail(res, f"unknown daily factor {excerpt(code)}")
        field, kind = _DAY_FIELDS[key]
        value = {
            "quantity": holder.get("valueQuantity", {}).get("value"),
            "integer": holder.get("valueInteger"),
            "boolean": holder.get("valueBoolean"),
        }[kind]
        return _CAMEL[field], value

    def day(self, res: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"date": res.get("effectiveDateTime")}
        for member in res.get("hasMember", ()):
            sub = self.target(res, member)
            key = local_key("observation", sub.get("code", {}))
            if key is None:
                raise self.fail(
                    res, f"hasMember {excerpt(member.get('reference'))} is no daily factor"
                )
            name, value = self._factor(sub, f"observation.{key}", sub)
            out[name] = value
        for code, comp in self.components(res):  # the one-Observation shape of earlier files
            name, value = self._factor(res, code, comp)
            out[name] = value
        _put(out, "notes", _note(res))
        return out

    def treatment(self, res: dict[str, Any], catalogue: dict[str, str]) -> dict[str, Any]:
        rtype = res.get("resourceType")
        out: dict[str, Any] = {"id": self.record_id(res)}
        if rtype == "Procedure":
            kind_cc = res.get("code", {})
            _put(out, "type", local_key("treatment-type", kind_cc))
            _put(out, "name", kind_cc.get("text"))
            med = _first(res.get("usedReference", []))
            period = res.get("performedPeriod", {})
        else:
            kind_cc = _first(_ext(res, "treatment-type"))
            if kind_cc is None:  # earlier files held the type (and name) in the category
                kind_cc = res.get("category", {})
                _put(out, "name", kind_cc.get("text"))
            _put(out, "type", local_key("treatment-type", kind_cc))
            med = res.get("medicationReference")
            if med is not None:
                _put(out, "name", med.get("display"))
            else:
                drug = res.get("medicationCodeableConcept", {})
                if not _absent(drug) and "name" not in out:
                    _put(out, "name", drug.get("text"))
            if rtype == "MedicationRequest":
                dosage = (res.get("dosageInstruction") or [{}])[0]
                period = dosage.get("timing", {}).get("repeat", {}).get("boundsPeriod", {})
            else:
                period = res.get("effectivePeriod", {})
        if med is not None:
            out["medication"] = catalogue.get(str(med.get("reference")))
        if not _derived(period):
            _put(out, "start", period.get("start"))
            _put(out, "end", period.get("end"))
        dates = _ext(res, "session")
        if dates:
            out["dates"] = dates
        _put(out, "notes", _note(res))
        return out

    def questionnaire(self, res: dict[str, Any]) -> dict[str, Any]:
        code = str(res.get("code", {}).get("coding", [{}])[0].get("code"))
        instrument = _INSTRUMENTS.get(code.removeprefix("observation."))
        if instrument is None:
            raise self.fail(res, f"unknown questionnaire code {excerpt(code)}")
        out: dict[str, Any] = {
            "instrument": instrument,
            "date": res.get("effectiveDateTime"),
            "score": res.get("valueInteger"),
        }
        if res.get("component"):
            out["items"] = [c.get("valueInteger") for c in res["component"]]
        return out

    def diary(self) -> dict[str, Any]:
        raw: dict[str, Any] = {"format": FORMAT_VERSION, "patient": self.patient()}
        deid = _first(_ext(self.patients[0], "deidentified"))
        if deid is not None:
            raw["deidentified"] = deid
        groups: dict[str, list[dict[str, Any]]] = {}
        for kind, res in self.kinds:
            groups.setdefault(kind, []).append(res)
        catalogue = {
            f"Medication/{r['id']}": self.record_id(r) for r in groups.get("medication", [])
        }
        raw["conditions"] = [self.condition(r) for r in groups.get("condition", [])]
        raw["medications"] = [self.medication(r) for r in groups.get("medication", [])]
        attacks = {f"Observation/{r['id']}": self.attack(r) for r in groups.get("attack", [])}
        for res in groups.get("intake", []):
            ref, intake = self.intake(res, catalogue)
            if ref not in attacks:
                raise self.fail(res, f"reasonReference {excerpt(ref)} is not an attack")
            attacks[ref].setdefault("medications", []).append(intake)
        raw["attacks"] = list(attacks.values())
        raw["days"] = [self.day(r) for r in groups.get("day", [])]
        raw["treatments"] = [self.treatment(r, catalogue) for r in groups.get("treatment", [])]
        raw["questionnaires"] = [self.questionnaire(r) for r in groups.get("questionnaire", [])]
        return raw


def resources_to_diary(resources: Iterable[dict[str, Any]], *, source: str = "<fhir>") -> Diary:
    """The diary that fhirmig's resources (``Type/id`` references) were made from.

    Raises :class:`MappingError` when the resources are not fhirmig's shape (no or several
    Patients, an intake without its attack, an unknown code) or the diary they describe
    breaks the diary format (the problems are listed).
    """
    from fhirmig.diary.reader import diary_from_raw

    try:
        raw = _Reader(resources, source).diary()
    except (KeyError, IndexError, TypeError, AttributeError) as exc:
        raise MappingError(f"{source}: not fhirmig's FHIR shape ({type(exc).__name__})") from None
    try:
        return diary_from_raw(raw, source)
    except DiaryError as exc:
        raise MappingError(
            f"{source}: the FHIR describes an invalid diary:\n" + "\n".join(map(str, exc.problems))
        ) from None
