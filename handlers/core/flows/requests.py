"""Grievance and help-request forms: one question at a time, checked as it comes, a
summary to confirm or edit, then the ticket and its reference.

The form is a table of steps (`_steps`): each `Step` declares its prompt, what a typed
answer does, what each of its buttons does, and its label in the edit menu. The flow:

    menu "report" / "help" ──> category ──> what ──> f.<field> ... ──> where ──┐
      (a given category or summary is taken as answered)                        │
                                     ┌──────────────────────────────────────────┘
                                     ├── grievance ──> photos ──> anonymous ──> confirm
                                     └── help ──────────────────────────────> confirm
    confirm ── submit ──> ticket opened, officers told
            └─ edit ──> pick a step ──> that step ──> confirm (the rest stays answered)
    "cancel" or /cancel ends the form at any step.

The answers live in the conversation state (flow "form", step = the step's name), so a
restart in the middle of a form resumes it. `Form` gives typed access to them. A step for
a category field is named "f.<field name>"; the category's fields decide which exist.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import asdict, dataclass, field
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
from handlers.messages import Attachment, Button
from handlers.tickets import service

MAX_PHOTOS = 10
MAX_UNIT_BUTTONS = 8


class Form:
    """Typed access to a form's answers, kept as JSON in the conversation state."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    @classmethod
    def new(cls, kind: str) -> Form:
        data: dict[str, Any] = {
            "kind": kind,
            "category": None,
            "values": {},
            "photos": [],
            "done": [],
        }
        return cls({**data, "urgent": False})

    @property
    def kind(self) -> str:
        return str(self.data["kind"])

    @property
    def is_grievance(self) -> bool:
        return self.kind == TicketKind.GRIEVANCE.value

    @property
    def category_key(self) -> str | None:
        key = self.data.get("category")
        return key if isinstance(key, str) else None

    @property
    def category(self) -> Category:
        return get_category(self.kind, self.data["category"])

    def spec(self, step: str) -> FieldSpec:
        """The category field a "f.<name>" step asks for."""
        return self.category.field(step.removeprefix("f."))

    @property
    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = self.data["values"]
        return values

    @property
    def photos(self) -> list[dict[str, Any]]:
        photos: list[dict[str, Any]] = self.data["photos"]
        return photos

    @property
    def done(self) -> list[str]:
        done: list[str] = self.data["done"]
        return done

    def finish(self, step: str) -> None:
        if step not in self.done:
            self.done.append(step)


def _form(turn: Turn) -> Form:
    return Form(turn.current().data)


class Again(Exception):  # noqa: N818 - a signal, not a failure
    """The press does not answer the step: ask it again, with `error` (a catalog key)."""

    def __init__(self, error: str | None = None) -> None:
        super().__init__(error)
        self.error = error


Rows = list[list[Button]]
# A button of a step: does its work and says whether the step is answered (the form moves
# on) or it has answered the person itself; raises Again to ask the step again.
Press = Callable[[Turn, Form, str | None], Awaitable[bool]]


@dataclass(frozen=True)
class Step:
    name: str
    # The question and its buttons (without "cancel", which every step but confirm gets).
    prompt: Callable[[Turn, Form], Awaitable[tuple[str, Rows]]]
    # A typed answer, checked and stored; raises FieldError. None: the step takes buttons
    # (or photos) only.
    read: Callable[[Turn, Form, str], None] | None = None
    buttons: Mapping[str, Press] = field(default_factory=dict)
    # Where photos sent at this step go, and how many it takes; None: no photos here.
    photos: Callable[[Form], tuple[list[Any], int]] | None = None
    # The label in the edit menu; None: the step cannot be edited on its own.
    edit_label: Callable[[Turn, Form], str] | None = None


# --- the steps ----------------------------------------------------------------------


async def _category_prompt(turn: Turn, form: Form) -> tuple[str, Rows]:
    rows: Rows = []
    row: list[Button] = []
    for category in categories_of(TicketKind(form.kind)):
        row.append(FormButton("cat", category.key).button(turn.text(category.label_key)))
        if len(row) == 2:
            rows.append(row)
            row = []
    if row:
        rows.append(row)
    return turn.text(f"form.category.{form.kind}"), rows


async def _pick_category(_turn: Turn, form: Form, key: str | None) -> bool:
    category = CATEGORIES.get(key or "")
    if category is None or category.kind.value != form.kind:
        raise Again("form.error.use_buttons")
    form.data["category"] = category.key
    return True


CATEGORY = Step("category", _category_prompt, buttons={"cat": _pick_category}, edit_label=None)


async def _what_prompt(turn: Turn, form: Form) -> tuple[str, Rows]:
    other = form.category_key == "other-help"
    return turn.text("form.what.other" if other else f"form.what.{form.kind}"), []


def _read_what(_turn: Turn, form: Form, raw: str) -> None:
    form.data["summary"] = check_text(raw, service.MAX_SUMMARY_LENGTH)


WHAT = Step(
    "what",
    _what_prompt,
    read=_read_what,
    edit_label=lambda turn, _form: turn.text("form.edit_what"),
)


def _field_step(spec: FieldSpec) -> Step:
    """The step asking for one field of the category."""
    name = f"f.{spec.name}"

    async def prompt(turn: Turn, form: Form) -> tuple[str, Rows]:
        category = form.category
        text: str = turn.text(category.field_prompt_key(spec.name))
        rows: Rows = []
        if spec.type == "choice":
            labels = (turn.text(category.choice_label_key(spec.name, c)) for c in spec.choices)
            rows = [[FormButton("ch", str(i)).button(label)] for i, label in enumerate(labels)]
        elif spec.type == "photos":
            count = len(form.values.get(spec.name) or [])
            text += "\n" + turn.text("form.photos_hint", count=count)
            rows.append([FormButton("done").button(turn.text("form.photos_done"))])
        if not spec.required:
            rows.append([FormButton("skip").button(turn.text("form.skip"))])
        return text, rows

    def read(turn: Turn, form: Form, raw: str) -> None:
        today = turn.now.astimezone(turn.zone).date()
        form.values[spec.name] = check_answer(form.category, spec, raw, form.values, today)

    async def choose(_turn: Turn, form: Form, arg: str | None) -> bool:
        index = as_int(arg)
        if index is None or index >= len(spec.choices):
            raise Again("form.error.use_buttons")
        form.values[spec.name] = spec.choices[index]
        return True

    async def skip(_turn: Turn, form: Form, _arg: str | None) -> bool:
        form.values.pop(spec.name, None)
        return True

    async def photos_done(_turn: Turn, form: Form, _arg: str | None) -> bool:
        if spec.required and not form.values.get(spec.name):
            raise Again("form.error.photo_required")
        return True

    buttons: dict[str, Press] = {}
    if spec.type == "choice":
        buttons["ch"] = choose
    if spec.type == "photos":
        buttons["done"] = photos_done
    if not spec.required:
        buttons["skip"] = skip

    def photo_target(form: Form) -> tuple[list[Any], int]:
        target: list[Any] = form.values.setdefault(spec.name, [])
        return target, spec.max_photos

    return Step(
        name,
        prompt,
        read=read if spec.type in ("text", "date", "amount") else None,
        buttons=buttons,
        photos=photo_target if spec.type == "photos" else None,
        edit_label=lambda turn, form: turn.text(form.category.field_label_key(spec.name)),
    )


async def _where_prompt(turn: Turn, _form: Form) -> tuple[str, Rows]:
    rows: Rows = []
    if turn.person.workplace:
        same = turn.text("form.where_same", workplace=turn.person.workplace)
        rows.append([FormButton("wp").button(same)])
    for unit in await _unit_choices(turn):
        rows.append([FormButton("unit", str(unit.id)).button(unit.name[:40])])
    rows.append([FormButton("skip").button(turn.text("form.where_skip"))])
    return turn.text("form.where"), rows


async def _unit_choices(turn: Turn) -> list[Any]:
    units = await admin.list_units(turn.session)
    workplaces = [u for u in units if u.kind in (UnitKind.ENTERPRISE, UnitKind.PARK)]
    return workplaces[:MAX_UNIT_BUTTONS]


def _read_where(_turn: Turn, form: Form, raw: str) -> None:
    form.data["workplace"] = check_text(raw, service.MAX_WORKPLACE_LENGTH)
    form.data["unit_key"] = None


async def _skip_where(_turn: Turn, form: Form, _arg: str | None) -> bool:
    form.data["workplace"] = None
    form.data["unit_key"] = None
    return True


async def _same_workplace(turn: Turn, form: Form, _arg: str | None) -> bool:
    if not turn.person.workplace:
        raise Again("form.error.old_button")
    form.data["workplace"] = turn.person.workplace
    form.data["unit_key"] = None
    if turn.person.unit_id is not None:
        for unit in await admin.list_units(turn.session):
            if unit.id == turn.person.unit_id:
                form.data["unit_key"] = unit.key
    return True


async def _pick_unit(turn: Turn, form: Form, arg: str | None) -> bool:
    unit_id = as_int(arg)
    chosen = next((u for u in await _unit_choices(turn) if u.id == unit_id), None)
    if chosen is None:
        raise Again("form.error.use_buttons")
    form.data["workplace"] = chosen.name
    form.data["unit_key"] = chosen.key
    return True


WHERE = Step(
    "where",
    _where_prompt,
    read=_read_where,
    buttons={"skip": _skip_where, "wp": _same_workplace, "unit": _pick_unit},
    edit_label=lambda turn, _form: turn.text("form.edit_where"),
)


async def _photos_prompt(turn: Turn, form: Form) -> tuple[str, Rows]:
    done = [FormButton("done").button(turn.text("form.photos_done"))]
    return turn.text("form.photos", count=len(form.photos)), [done]


async def _answered(_turn: Turn, _form: Form, _arg: str | None) -> bool:
    return True


PHOTOS = Step(
    "photos",
    _photos_prompt,
    buttons={"done": _answered},
    photos=lambda form: (form.photos, MAX_PHOTOS),
    edit_label=lambda turn, _form: turn.text("form.edit_photos"),
)


async def _anonymous_prompt(turn: Turn, _form: Form) -> tuple[str, Rows]:
    yes = FormButton("anon", "1").button(turn.text("form.anonymous_yes"))
    no = FormButton("anon", "0").button(turn.text("form.anonymous_no"))
    return turn.text("form.anonymous"), [[yes, no]]


async def _choose_anonymity(_turn: Turn, form: Form, arg: str | None) -> bool:
    if arg not in ("0", "1"):
        raise Again("form.error.old_button")
    form.data["anonymous"] = arg == "1"
    return True


ANONYMOUS = Step(
    "anonymous",
    _anonymous_prompt,
    buttons={"anon": _choose_anonymity},
    edit_label=lambda turn, _form: turn.text("form.edit_anonymous"),
)


async def _confirm_prompt(turn: Turn, form: Form) -> tuple[str, Rows]:
    text, rows = _summary(turn, form)
    return text, [list(row) for row in rows]


async def _submit_pressed(turn: Turn, form: Form, _arg: str | None) -> bool:
    await _submit(turn, form)
    return False


async def _edit_pressed(turn: Turn, form: Form, _arg: str | None) -> bool:
    _offer_edit(turn, form)
    return False


async def _edit_step(turn: Turn, form: Form, target: str | None) -> bool:
    editable = {step.name for step in _steps(form) if step.edit_label is not None}
    if target not in editable:
        raise Again
    form.data["done"] = [s for s in form.done if s != target]
    form.data["editing"] = True
    await _advance(turn)
    return False


CONFIRM = Step(
    "confirm",
    _confirm_prompt,
    buttons={"ok": _submit_pressed, "edit": _edit_pressed, "ed": _edit_step},
)


def _steps(form: Form) -> list[Step]:
    """This form's steps, in order: which exist depends on the kind and the category."""
    steps = [CATEGORY, WHAT]
    category = CATEGORIES.get(form.category_key or "")
    if category is not None:
        steps += [_field_step(spec) for spec in category.fields]
    steps.append(WHERE)
    if form.is_grievance:
        steps += [PHOTOS, ANONYMOUS]
    steps.append(CONFIRM)
    return steps


def _step(form: Form, name: str) -> Step:
    return next((s for s in _steps(form) if s.name == name), CONFIRM)


# --- running the table --------------------------------------------------------------


def _next_step(form: Form) -> str:
    done = set(form.done)
    names = [step.name for step in _steps(form)]
    if form.data.get("editing") and "category" in done and "what" in done:
        pending = [s for s in names if s not in done and s != CONFIRM.name]
        return pending[0] if pending else CONFIRM.name
    return next((name for name in names if name not in done), CONFIRM.name)


async def start_form(
    turn: Turn, kind: str, *, category: str | None = None, summary: str | None = None
) -> None:
    form = Form.new(kind)
    if category is not None:
        form.data["category"] = category
        form.finish(CATEGORY.name)
    if summary is not None:
        form.data["summary"] = summary
        form.finish(WHAT.name)
    turn.state = FlowState(flow=FORM_FLOW, step="", data=form.data)
    await _advance(turn)


async def _advance(turn: Turn, *, error: str | None = None) -> None:
    state = turn.current()
    state.step = _next_step(Form(state.data))
    await _prompt(turn, state.step, error=error)


async def _prompt(turn: Turn, name: str, *, error: str | None = None) -> None:
    form = _form(turn)
    text, rows = await _step(form, name).prompt(turn, form)
    if error is not None:
        text = f"{error}\n\n{text}"
    if name != CONFIRM.name:  # the summary carries its own "cancel"
        rows.append([CancelButton().button(turn.text("form.cancel"))])
    turn.reply(text, rows)


def _summary(turn: Turn, form: Form) -> tuple[str, Buttons]:
    lang = turn.lang
    parts: list[str] = [
        turn.text(
            "form.summary",
            kind=turn.text(f"kind.{form.kind}"),
            category=notices.category_label(lang, form.data["category"]),
            summary=form.data.get("summary", ""),
        )
    ]
    where = form.data.get("workplace")
    parts.append(turn.text("ticket.workplace", workplace=where or turn.text("form.not_given")))
    lines = notices.field_lines(lang, form.data["category"], form.values)
    if lines:
        parts.append(lines)
    if form.photos:
        parts.append(turn.text("value.photos", count=len(form.photos)))
    if form.is_grievance:
        anonymous = form.data.get("anonymous")
        parts.append(turn.text("form.summary_anonymous" if anonymous else "form.summary_named"))
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
    form = Form(state.data)
    step = _step(form, state.step)
    if turn.incoming.attachments:
        await _on_attachments(turn, form, step)
        return
    raw = turn.typed
    found = crisis.detect(raw)
    if found is not None:
        # Safety first; the form stays open and goes on below.
        offer_crisis_help(turn, raw, found)
    if step.read is None:
        error = "form.error.send_photo" if step.photos is not None else "form.error.use_buttons"
        await _prompt(turn, step.name, error=turn.text(error))
        return
    try:
        step.read(turn, form, raw)
    except FieldError as exc:
        error = turn.text(exc.key, **_error_params(turn, form, exc))
        await _prompt(turn, step.name, error=error)
        return
    form.finish(step.name)
    await _advance(turn)


def _error_params(turn: Turn, form: Form, exc: FieldError) -> dict[str, object]:
    params = dict(exc.params)
    other = params.get("other")
    if isinstance(other, str) and form.category_key:
        params["other"] = turn.text(form.category.field_label_key(other))
    return params


async def _on_attachments(turn: Turn, form: Form, step: Step) -> None:
    if step.photos is None:
        await _prompt(turn, step.name, error=turn.text("form.error.no_photo_here"))
        return
    photos = [a for a in turn.incoming.attachments if a.kind == "photo"]
    if not photos:
        await _prompt(turn, step.name, error=turn.text("form.error.send_photo"))
        return
    target, limit = step.photos(form)
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
    form = Form(state.data)
    step = _step(form, state.step)
    pressed = FormButton.parse(action)
    verb, arg = (pressed.verb, pressed.arg) if pressed is not None else ("", None)
    if verb == "resume" or (verb == "ed" and step is not CONFIRM):
        await _prompt(turn, step.name)
        return
    press = step.buttons.get(verb)
    if press is None:
        # A button from an earlier step of this form: show where the form is now.
        await _prompt(turn, step.name, error=turn.text("form.error.old_button"))
        return
    try:
        answered = await press(turn, form, arg)
    except Again as again:
        error = turn.text(again.error) if again.error is not None else None
        await _prompt(turn, step.name, error=error)
        return
    if answered:
        form.finish(step.name)
        await _advance(turn)


def _offer_edit(turn: Turn, form: Form) -> None:
    rows: Rows = [
        [FormButton("ed", step.name).button(step.edit_label(turn, form))]
        for step in _steps(form)
        if step.edit_label is not None
    ]
    rows.append([FormButton("resume").button(turn.text("form.resume_confirm"))])
    turn.reply(turn.text("form.edit_which"), rows)


async def _submit(turn: Turn, form: Form) -> None:
    data = form.data
    category = form.category
    fields: dict[str, Any] = {}
    attachments: list[Attachment] = [Attachment(**a) for a in form.photos]
    for spec in category.fields:
        value = form.values.get(spec.name)
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
        kind=form.kind,
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
