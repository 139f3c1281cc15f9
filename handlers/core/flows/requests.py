"""Grievance and help-request forms: one question at a time, checked as it comes, a
summary to confirm or edit, then the ticket and its reference.

The answers live in the conversation state (flow "form"), so a restart in the middle of a
form resumes it. Steps: category, what, one step per category field ("f.<name>"), where,
photos and anonymity (grievances), confirm.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import asdict
from typing import Any

from db.models import TicketKind, UnitKind
from handlers import admin
from handlers.categories import CATEGORIES, Category, FieldSpec, categories_of, get_category
from handlers.core import crisis, notices, notify
from handlers.core.actions import Action, Buttons, as_int
from handlers.core.buttons import CancelButton, FormButton, WorkerButton
from handlers.core.flows.common import FORM_FLOW, offer_crisis_help
from handlers.core.forms import FieldError, check_answer, check_text
from handlers.core.turn import FlowState, Turn
from handlers.messages import Attachment
from handlers.tickets import service

MAX_PHOTOS = 10
MAX_UNIT_BUTTONS = 8


def _steps(data: Mapping[str, Any]) -> list[str]:
    steps = ["category", "what"]
    category = CATEGORIES.get(data.get("category") or "")
    if category is not None:
        steps += [f"f.{spec.name}" for spec in category.fields]
    steps.append("where")
    if data["kind"] == TicketKind.GRIEVANCE.value:
        steps += ["photos", "anonymous"]
    steps.append("confirm")
    return steps


def _next_step(data: Mapping[str, Any]) -> str:
    done = set(data.get("done", ()))
    if data.get("editing") and "category" in done and "what" in done:
        pending = [s for s in _steps(data) if s not in done and s != "confirm"]
        return pending[0] if pending else "confirm"
    for step in _steps(data):
        if step not in done:
            return step
    return "confirm"


async def start_form(
    turn: Turn, kind: str, *, category: str | None = None, summary: str | None = None
) -> None:
    data: dict[str, Any] = {
        "kind": kind,
        "category": None,
        "values": {},
        "photos": [],
        "done": [],
        "urgent": False,
    }
    if category is not None:
        data["category"] = category
        data["done"].append("category")
    if summary is not None:
        data["summary"] = summary
        data["done"].append("what")
    turn.state = FlowState(flow=FORM_FLOW, step="", data=data)
    await _advance(turn)


def _data(turn: Turn) -> dict[str, Any]:
    return turn.current().data


def _category(data: Mapping[str, Any]) -> Category:
    return get_category(data["kind"], data["category"])


def _finish_step(turn: Turn, step: str) -> None:
    data = _data(turn)
    if step not in data["done"]:
        data["done"].append(step)


async def _advance(turn: Turn, *, error: str | None = None) -> None:
    state = turn.current()
    step = _next_step(state.data)
    state.step = step
    await _prompt(turn, step, error=error)


def _field_spec(data: Mapping[str, Any], step: str) -> FieldSpec:
    return _category(data).field(step.removeprefix("f."))


async def _prompt(turn: Turn, step: str, *, error: str | None = None) -> None:
    data = _data(turn)
    kind = data["kind"]
    text: str
    buttons: list[list[Any]] = []
    cancel = [CancelButton().button(turn.text("form.cancel"))]
    if step == "category":
        text = turn.text(f"form.category.{kind}")
        row: list[Any] = []
        for category in categories_of(TicketKind(kind)):
            row.append(FormButton("cat", category.key).button(turn.text(category.label_key)))
            if len(row) == 2:
                buttons.append(row)
                row = []
        if row:
            buttons.append(row)
    elif step == "what":
        prompt = "form.what.other" if data.get("category") == "other-help" else f"form.what.{kind}"
        text = turn.text(prompt)
    elif step.startswith("f."):
        category = _category(data)
        spec = _field_spec(data, step)
        text = turn.text(category.field_prompt_key(spec.name))
        if spec.type == "choice":
            labels = (turn.text(category.choice_label_key(spec.name, c)) for c in spec.choices)
            buttons = [[FormButton("ch", str(i)).button(label)] for i, label in enumerate(labels)]
        elif spec.type == "photos":
            count = len(data["values"].get(spec.name) or [])
            text += "\n" + turn.text("form.photos_hint", count=count)
            buttons.append([FormButton("done").button(turn.text("form.photos_done"))])
        if not spec.required:
            buttons.append([FormButton("skip").button(turn.text("form.skip"))])
    elif step == "where":
        text = turn.text("form.where")
        if turn.person.workplace:
            buttons.append(
                [
                    FormButton("wp").button(
                        turn.text("form.where_same", workplace=turn.person.workplace)
                    )
                ]
            )
        for unit in await _unit_choices(turn):
            buttons.append([FormButton("unit", str(unit.id)).button(unit.name[:40])])
        buttons.append([FormButton("skip").button(turn.text("form.where_skip"))])
    elif step == "photos":
        text = turn.text("form.photos", count=len(data["photos"]))
        buttons.append([FormButton("done").button(turn.text("form.photos_done"))])
    elif step == "anonymous":
        text = turn.text("form.anonymous")
        buttons.append(
            [
                FormButton("anon", "1").button(turn.text("form.anonymous_yes")),
                FormButton("anon", "0").button(turn.text("form.anonymous_no")),
            ]
        )
    else:
        text, confirm_buttons = _summary(turn)
        buttons = [list(r) for r in confirm_buttons]
        cancel = []
    if error is not None:
        text = f"{error}\n\n{text}"
    if cancel:
        buttons.append(cancel)
    turn.reply(text, buttons)


async def _unit_choices(turn: Turn) -> list[Any]:
    units = await admin.list_units(turn.session)
    workplaces = [u for u in units if u.kind in (UnitKind.ENTERPRISE, UnitKind.PARK)]
    return workplaces[:MAX_UNIT_BUTTONS]


def _summary(turn: Turn) -> tuple[str, Buttons]:
    data = _data(turn)
    lang = turn.lang
    parts: list[str] = [
        turn.text(
            "form.summary",
            kind=turn.text(f"kind.{data['kind']}"),
            category=notices.category_label(lang, data["category"]),
            summary=data.get("summary", ""),
        )
    ]
    where = data.get("workplace")
    parts.append(turn.text("ticket.workplace", workplace=where or turn.text("form.not_given")))
    lines = notices.field_lines(lang, data["category"], data["values"])
    if lines:
        parts.append(lines)
    if data["photos"]:
        parts.append(turn.text("value.photos", count=len(data["photos"])))
    if data["kind"] == TicketKind.GRIEVANCE.value:
        parts.append(
            turn.text("form.summary_anonymous" if data.get("anonymous") else "form.summary_named")
        )
    parts.append(turn.text("form.confirm_question"))
    return "\n".join(parts), [
        [
            FormButton("ok").button(turn.text("form.submit")),
            FormButton("edit").button(turn.text("form.edit")),
        ],
        [CancelButton().button(turn.text("form.cancel"))],
    ]


async def on_input(turn: Turn) -> None:
    """Typed text or photos while a form is open."""
    state = turn.current()
    data = state.data
    step = state.step
    if turn.incoming.attachments:
        await _on_attachments(turn, step)
        return
    raw = turn.typed
    found = crisis.detect(raw)
    if found is not None:
        # Safety first; the form stays open and goes on below.
        offer_crisis_help(turn, raw, found)
    if step in ("category", "anonymous", "confirm") or (
        step.startswith("f.") and _field_spec(data, step).type == "choice"
    ):
        await _prompt(turn, step, error=turn.text("form.error.use_buttons"))
        return
    if step == "photos" or (step.startswith("f.") and _field_spec(data, step).type == "photos"):
        await _prompt(turn, step, error=turn.text("form.error.send_photo"))
        return
    try:
        if step == "what":
            data["summary"] = check_text(raw, service.MAX_SUMMARY_LENGTH)
        elif step == "where":
            data["workplace"] = check_text(raw, service.MAX_WORKPLACE_LENGTH)
            data["unit_key"] = None
        else:
            spec = _field_spec(data, step)
            category = _category(data)
            data["values"][spec.name] = check_answer(
                category, spec, raw, data["values"], turn.now.astimezone(turn.zone).date()
            )
    except FieldError as exc:
        await _prompt(turn, step, error=turn.text(exc.key, **_error_params(turn, data, exc)))
        return
    _finish_step(turn, step)
    await _advance(turn)


def _error_params(turn: Turn, data: Mapping[str, Any], exc: FieldError) -> dict[str, object]:
    params = dict(exc.params)
    other = params.get("other")
    if isinstance(other, str) and data.get("category"):
        params["other"] = turn.text(_category(data).field_label_key(other))
    return params


async def _on_attachments(turn: Turn, step: str) -> None:
    data = _data(turn)
    photos = [a for a in turn.incoming.attachments if a.kind == "photo"]
    if step.startswith("f.") and _field_spec(data, step).type == "photos":
        spec = _field_spec(data, step)
        target: list[Any] = data["values"].setdefault(spec.name, [])
        limit = spec.max_photos
    elif step == "photos":
        target = data["photos"]
        limit = MAX_PHOTOS
    else:
        await _prompt(turn, step, error=turn.text("form.error.no_photo_here"))
        return
    if not photos:
        await _prompt(turn, step, error=turn.text("form.error.send_photo"))
        return
    room = limit - len(target)
    target.extend(asdict(p) for p in photos[: max(room, 0)])
    if len(photos) > room:
        turn.say("form.error.too_many_photos", limit=limit)
    turn.reply(
        turn.text("form.photo_received", count=len(target)),
        [
            [FormButton("done").button(turn.text("form.photos_done"))],
            [CancelButton().button(turn.text("form.cancel"))],
        ],
    )


async def on_action(turn: Turn, action: Action) -> None:
    state = turn.state
    if state is None or state.flow != FORM_FLOW:
        turn.say("form.gone")
        return
    data = state.data
    step = state.step
    pressed = FormButton.parse(action)
    verb, arg = (pressed.verb, pressed.arg) if pressed is not None else ("", None)
    if verb == "resume":
        await _prompt(turn, step)
        return
    if verb == "edit" and step == "confirm":
        _offer_edit(turn)
        return
    if verb == "ed":
        target = arg
        if step != "confirm" or target not in _steps(data) or target in ("confirm", "category"):
            await _prompt(turn, step)
            return
        data["done"] = [s for s in data["done"] if s != target]
        data["editing"] = True
        await _advance(turn)
        return
    if verb == "ok" and step == "confirm":
        await _submit(turn)
        return
    if verb == "cat" and step == "category":
        category = CATEGORIES.get(arg or "")
        if category is None or category.kind.value != data["kind"]:
            await _prompt(turn, step, error=turn.text("form.error.use_buttons"))
            return
        data["category"] = category.key
        _finish_step(turn, step)
        await _advance(turn)
        return
    if verb == "ch" and step.startswith("f."):
        spec = _field_spec(data, step)
        index = as_int(arg)
        if spec.type != "choice" or index is None or index >= len(spec.choices):
            await _prompt(turn, step, error=turn.text("form.error.use_buttons"))
            return
        data["values"][spec.name] = spec.choices[index]
        _finish_step(turn, step)
        await _advance(turn)
        return
    if verb == "skip" and step == "where":
        data["workplace"] = None
        data["unit_key"] = None
        _finish_step(turn, step)
        await _advance(turn)
        return
    if verb == "skip" and step.startswith("f.") and not _field_spec(data, step).required:
        data["values"].pop(_field_spec(data, step).name, None)
        _finish_step(turn, step)
        await _advance(turn)
        return
    if verb == "done" and (step == "photos" or step.startswith("f.")):
        if step.startswith("f."):
            spec = _field_spec(data, step)
            if spec.type != "photos":
                await _prompt(turn, step)
                return
            if spec.required and not data["values"].get(spec.name):
                await _prompt(turn, step, error=turn.text("form.error.photo_required"))
                return
        _finish_step(turn, step)
        await _advance(turn)
        return
    if verb == "wp" and step == "where" and turn.person.workplace:
        data["workplace"] = turn.person.workplace
        data["unit_key"] = None
        if turn.person.unit_id is not None:
            for unit in await admin.list_units(turn.session):
                if unit.id == turn.person.unit_id:
                    data["unit_key"] = unit.key
        _finish_step(turn, step)
        await _advance(turn)
        return
    if verb == "unit" and step == "where":
        unit_id = as_int(arg)
        chosen = next((u for u in await _unit_choices(turn) if u.id == unit_id), None)
        if chosen is None:
            await _prompt(turn, step, error=turn.text("form.error.use_buttons"))
            return
        data["workplace"] = chosen.name
        data["unit_key"] = chosen.key
        _finish_step(turn, step)
        await _advance(turn)
        return
    if verb == "anon" and step == "anonymous" and arg in ("0", "1"):
        data["anonymous"] = arg == "1"
        _finish_step(turn, step)
        await _advance(turn)
        return
    # A button from an earlier step of this form: show where the form is now.
    await _prompt(turn, step, error=turn.text("form.error.old_button"))


def _offer_edit(turn: Turn) -> None:
    data = _data(turn)
    rows: list[list[Any]] = []
    for step in _steps(data):
        if step in ("category", "confirm"):
            continue
        if step == "what":
            label: str = turn.text("form.edit_what")
        elif step == "where":
            label = turn.text("form.edit_where")
        elif step == "photos":
            label = turn.text("form.edit_photos")
        elif step == "anonymous":
            label = turn.text("form.edit_anonymous")
        else:
            label = turn.text(_category(data).field_label_key(step.removeprefix("f.")))
        rows.append([FormButton("ed", step).button(label)])
    rows.append([FormButton("resume").button(turn.text("form.resume_confirm"))])
    turn.reply(turn.text("form.edit_which"), rows)


async def _submit(turn: Turn) -> None:
    data = _data(turn)
    category = _category(data)
    fields: dict[str, Any] = {}
    attachments: list[Attachment] = [Attachment(**a) for a in data["photos"]]
    for spec in category.fields:
        value = data["values"].get(spec.name)
        if value is None:
            continue
        if spec.type == "photos":
            # Photo answers go in as attachments; the ticket layer stores them as files.
            fields[spec.name] = [Attachment(**a) for a in value]
        else:
            fields[spec.name] = value
    opened = await service.open_ticket(
        turn.session,
        worker=turn.person,
        kind=data["kind"],
        category=category.key,
        summary=data.get("summary") or "",
        fields=fields,
        anonymous=bool(data.get("anonymous")),
        unit_key=data.get("unit_key"),
        workplace=data.get("workplace"),
        language=turn.lang,
        attachments=attachments,
        urgent=bool(data.get("urgent")),
        now=turn.now,
        routing=turn.routing,
        zone=turn.zone,
    )
    if data.get("workplace"):
        turn.person.workplace = data["workplace"]
        unit_key = data.get("unit_key")
        turn.person.unit_id = opened.ticket.unit_id if unit_key else None
    turn.state = None
    await announce_opened(turn, opened)


async def announce_opened(turn: Turn, opened: service.OpenedTicket) -> None:
    """The worker's receipt and the officers' cards for a ticket just opened."""
    ticket = opened.ticket
    reference = ticket.ref
    turn.reply(
        turn.text(
            "form.submitted",
            reference=reference,
            due=notices.local_time(ticket.first_response_due, turn.zone),
        )
        + ("\n" + turn.text("form.submitted_anonymous") if ticket.anonymous else ""),
        [[WorkerButton("t", ticket.id).button(turn.text("tickets.btn.view"))]],
        ticket_id=ticket.id,
    )
    loaded = await service.get_ticket(turn.session, turn.worker, ticket.id)
    await notify.send_card(
        turn.session,
        loaded,
        opened.notify,
        heading="officer.new_ticket",
        zone=turn.zone,
        now=turn.now,
        group_lang=turn.config.default_language,
    )


ACTIONS: Mapping[str, Callable[[Turn, Action], Awaitable[None]]] = {FormButton.prefix: on_action}
STATES: Mapping[str, Callable[[Turn], Awaitable[None]]] = {FORM_FLOW: on_input}
